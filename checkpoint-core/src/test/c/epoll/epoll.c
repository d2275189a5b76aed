/*
 * An epoll set with three eventfds registered (one with a higher fd number than the epoll, one
 * edge-triggered) returns the right events and data after a checkpoint.
 */
#include "../cprog/check.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
    int readable = eventfd(1, 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int edge = eventfd(0, EFD_NONBLOCK);
    int writable = eventfd(0, 0);
    if (readable < 0 || ep < 0 || edge < 0 || writable < 0)
        die("setup");
    if (add(ep, readable, EPOLLIN, 1001) || add(ep, edge, EPOLLIN | EPOLLET, 0xdeadbeefcafeULL)
            || add(ep, writable, EPOLLOUT, 7))
        die("epoll_ctl");
    ready_then_wait(argv[1]);

    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, 0);
    check(n == 2, "two ready targets (got %d)", n);
    int seen_readable = 0, seen_writable = 0;
    for (int i = 0; i < n; i++) {
        if (evs[i].data.u64 == 1001 && evs[i].events == EPOLLIN)
            seen_readable = 1;
        else if (evs[i].data.u64 == 7 && evs[i].events == EPOLLOUT)
            seen_writable = 1;
        else
            check(0, "unexpected event %#x data %#llx", evs[i].events, (unsigned long long)evs[i].data.u64);
    }
    check(seen_readable, "EPOLLIN with data 1001");
    check(seen_writable, "EPOLLOUT with data 7");
    uint64_t one = 1;
    check(write(edge, &one, 8) == 8, "edge-triggered target written");
    n = epoll_wait(ep, evs, 8, 0);
    int seen_edge = 0;
    for (int i = 0; i < n; i++)
        seen_edge |= evs[i].data.u64 == 0xdeadbeefcafeULL && evs[i].events == EPOLLIN;
    check(n == 3 && seen_edge, "edge target reported once with its 64-bit data (n=%d)", n);
    n = epoll_wait(ep, evs, 8, 0);
    check(n == 2, "edge target not reported again (n=%d)", n);
    return finish();
}
