/*
 * Fixture source for the /proc parser tests (see capture.sh): a process whose /proc files show the
 * hard cases at once. comm with spaces and parentheses, a mapped file whose path has spaces, a
 * mapped file that was then deleted, a memfd, shared anonymous memory, a named anonymous area,
 * (named only on kernels with CONFIG_ANON_VMA_NAME) and one fd of each special kind (eventfd, epoll, inotify, timerfd, signalfd) plus a file at an
 * offset. Prints "pid efd epfd inotifyfd timerfd signalfd filefd named-area-hex-address" and waits for a signal.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

static void *map_file(const char *path, int flags, int unlink_after) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 8192);
    void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, flags, fd, 0);
    close(fd);
    if (unlink_after) unlink(path);
    return p;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "/tmp/crak fixture";
    char path[512];
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/with space.bin", dir);
    map_file(path, MAP_SHARED, 0);
    snprintf(path, sizeof path, "%s/deleted.bin", dir);
    map_file(path, MAP_PRIVATE, 1);
    int mfd = memfd_create("crak-memfd", 0);
    ftruncate(mfd, 4096);
    mmap(NULL, 4096, PROT_READ, MAP_SHARED, mfd, 0);
    char *shanon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    shanon[0] = 1;
    char *named = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    named[0] = 1;
    prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)named, 8192, (unsigned long)"crak-named");
    prctl(PR_SET_NAME, (unsigned long)"a) (b c)", 0, 0, 0);

    int efd = eventfd(20, EFD_NONBLOCK | EFD_SEMAPHORE);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u64 = 0x1234};
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    int in = inotify_init1(0);
    inotify_add_watch(in, dir, IN_CREATE | IN_DELETE);
    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {.it_value = {1000, 0}, .it_interval = {1, 500}};
    timerfd_settime(tfd, 0, &its, NULL);
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGTERM);
    int sfd = signalfd(-1, &m, SFD_CLOEXEC);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR2);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    signal(SIGHUP, SIG_IGN);
    int f = open("/etc/hostname", O_RDONLY);
    lseek(f, 3, SEEK_SET);
    printf("%d %d %d %d %d %d %d %lx\n", getpid(), efd, ep, in, tfd, sfd, f, (unsigned long)named);
    fflush(stdout);
    pause();
    return 0;
}
