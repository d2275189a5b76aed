/*
 * An epoll whose registered fd was closed after registration (the file lives on through a dup):
 * the kernel keeps no usable name for the target, so the dump must refuse and leave this running.
 */
#include "../cprog/check.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>

int main(int argc, char **argv)
{
    int ep = epoll_create1(0);
    int e = eventfd(0, 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5};
    if (ep < 0 || e < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) != 0)
        die("setup");
    int kept = dup(e);
    close(e);
    ready_then_wait(argv[1]);
    uint64_t one = 1;
    check(write(kept, &one, 8) == 8 && epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u64 == 5,
          "still running after the refused dump, epoll intact");
    return finish();
}
