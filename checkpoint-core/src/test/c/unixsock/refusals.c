/*
 * refusals: unix socket states crak must refuse to dump, leaving the job running untouched.
 *
 * usage: refusals GO_PATH
 * Prints "child PID" and "ready"; then a dump of the child alone must be refused (its socket's
 * peer is in the parent, outside that tree) and a dump of the whole tree must be refused (a
 * descriptor is in flight, SCM_RIGHTS, in a socket's queue). Once GO_PATH exists the program
 * checks that both conversations are intact, prints "REFUSALS OK" and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: [%d] ", getpid());
    vprintf(fmt, ap);
    printf(" (errno %s)\n", strerrorname_np(errno) ? strerrorname_np(errno) : "0");
    va_end(ap);
    fflush(stdout);
    exit(1);
}

static void await_go(const char *go)
{
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    while (access(go, F_OK) != 0)
        nanosleep(&ten_ms, NULL);
}

static void expect(int fd, const char *text, const char *what)
{
    char buf[64] = {0};
    size_t n = strlen(text), got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            fail("%s: read returned %zd", what, r);
        got += (size_t)r;
    }
    if (strcmp(buf, text) != 0)
        fail("%s: got '%s'", what, buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: refusals GO_PATH\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (setpgid(0, 0) != 0)
        fail("setpgid");
    int s[2], r[2], p[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) || socketpair(AF_UNIX, SOCK_DGRAM, 0, r) || pipe(p))
        fail("socketpair");
    if (write(p[1], "in-flight", 9) != 9 || write(s[0], "to-child", 8) != 8)
        fail("write");
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } control = {0};
    struct iovec iov = {.iov_base = "fd", .iov_len = 2};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    if (sendmsg(r[0], &m, 0) != 2)
        fail("sendmsg SCM_RIGHTS");
    close(p[0]);

    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        close(s[0]); close(r[0]); close(r[1]); close(p[1]);
        await_go(argv[1]);
        expect(s[1], "to-child", "child: socket");
        if (write(s[1], "to-parent", 9) != 9)
            fail("child: write");
        printf("child: ok\n");
        return 0;
    }
    close(s[1]);
    printf("child %d\n", child);
    printf("ready\n");
    await_go(argv[1]);
    char data[2];
    memset(&control, 0, sizeof control);
    struct iovec in = {.iov_base = data, .iov_len = sizeof data};
    struct msghdr got = {.msg_iov = &in, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    if (recvmsg(r[1], &got, 0) != 2 || (c = CMSG_FIRSTHDR(&got)) == NULL || c->cmsg_type != SCM_RIGHTS)
        fail("parent: the descriptor in flight is lost");
    int passed;
    memcpy(&passed, CMSG_DATA(c), sizeof passed);
    expect(passed, "in-flight", "parent: the pipe passed in flight");
    expect(s[0], "to-parent", "parent: socket");
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("parent: child ended with status %d", status);
    printf("REFUSALS OK\n");
    return 0;
}
