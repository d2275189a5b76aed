/*
 * An inotify instance with an unread event: a new instance cannot be given it, so the dump must
 * refuse, and this process runs on with its event still queued.
 */
#include "../cprog/check.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>

int main(int argc, char **argv)
{
    char created[PATH_MAX];
    snprintf(created, sizeof created, "%s/created", argv[2]);
    int in = inotify_init1(IN_NONBLOCK);
    if (in < 0 || inotify_add_watch(in, argv[2], IN_CREATE) != 1)
        die("inotify");
    int c = open(created, O_WRONLY | O_CREAT, 0644);
    if (c < 0)
        die("create");
    ready_then_wait(argv[1]);
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n = read(in, buf, sizeof buf);
    struct inotify_event *e = (struct inotify_event *)buf;
    check(n > 0 && (e->mask & IN_CREATE) && strcmp(e->name, "created") == 0,
          "the event queued before the refused dump is still there");
    return finish();
}
