/* inotify watches on a directory and on a file (argv[2]) see changes made after the restore. */
#include "../cprog/check.h"
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/inotify.h>

int main(int argc, char **argv)
{
    char file[PATH_MAX], created[PATH_MAX];
    snprintf(file, sizeof file, "%s/watched", argv[2]);
    snprintf(created, sizeof created, "%s/created", argv[2]);
    int f = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (f < 0 || in < 0)
        die("setup");
    int wd_dir = inotify_add_watch(in, argv[2], IN_CREATE | IN_DELETE);
    int wd_file = inotify_add_watch(in, file, IN_MODIFY);
    if (wd_dir != 1 || wd_file != 2)
        die("inotify_add_watch");
    ready_then_wait(argv[1]);

    char buf[4096] __attribute__((aligned(8)));
    check(read(in, buf, sizeof buf) < 0 && errno == EAGAIN, "no events yet; non-blocking");
    int c = open(created, O_WRONLY | O_CREAT, 0644);
    check(c >= 0 && write(f, "x", 1) == 1, "a file created and the watched file written");
    struct pollfd p = {.fd = in, .events = POLLIN};
    poll(&p, 1, 2000);
    usleep(20000);
    ssize_t n = read(in, buf, sizeof buf);
    int saw_create = 0, saw_modify = 0;
    for (char *q = buf; n > 0 && q < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)q;
        if (e->wd == wd_dir && (e->mask & IN_CREATE) && e->len && strcmp(e->name, "created") == 0)
            saw_create = 1;
        if (e->wd == wd_file && (e->mask & IN_MODIFY))
            saw_modify = 1;
        q += sizeof *e + e->len;
    }
    check(saw_create, "IN_CREATE of 'created' on watch %d", wd_dir);
    check(saw_modify, "IN_MODIFY on watch %d", wd_file);
    return finish();
}
