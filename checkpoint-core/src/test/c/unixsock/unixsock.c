/*
 * unixsock: unix sockets in the middle of a conversation across a checkpoint, set up before it
 * and checked after it by the program itself.
 *
 * usage: unixsock DIR GO_PATH
 * Prints "ready" once everything is set up, waits until GO_PATH exists (created after the
 * restore), checks every property, prints "UNIXSOCK OK" and exits 0; any mismatch prints
 * "FAIL: ..." and exits 1.
 *
 *   S1 stream socketpair: 3000 bytes queued to the child, 1000 to the parent (O_NONBLOCK end)
 *   S2 datagram socketpair: 4 datagrams queued to the child (one empty), 2 to the parent
 *   S3 seqpacket socketpair: records of 100 and 5 bytes queued to the child
 *   L  stream listener on DIR/listen.sock; its accepted connection A with 17 bytes queued to
 *      the parent and 4000 to the child; after the restore the child connects once more
 *   D  datagram socket bound to DIR/dgram.sock with 3 datagrams queued: 2 from an unbound sender,
 *      between them 1 from the datagram socket C bound to DIR/client.sock and connected to D
 *   S4 stream socketpair the child shut down for writing after "bye"
 *   S5 stream socketpair whose child end was closed after 10 bytes
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cprog/stream-check.h"

static void expect_message(int fd, const char *text, size_t len, const char *what)
{
    char buf[512];
    ssize_t r;
    while ((r = recv(fd, buf, sizeof buf, 0)) < 0 && errno == EINTR)
        ;
    if (r != (ssize_t)len || memcmp(buf, text, len) != 0)
        fail("%s: got a message of %zd bytes, expected '%s' (%zu bytes)", what, r, text, len);
}

/* A datagram from the socket bound to from_path, or from an unbound one when from_path is NULL. */
static void expect_from(int fd, const char *text, const char *from_path, const char *what)
{
    char buf[512];
    struct sockaddr_un from = {0};
    socklen_t len = sizeof from;
    ssize_t r;
    while ((r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len)) < 0 && errno == EINTR)
        ;
    if (r != (ssize_t)strlen(text) || memcmp(buf, text, strlen(text)) != 0)
        fail("%s: got a datagram of %zd bytes, expected '%s'", what, r, text);
    if (from_path == NULL ? len > sizeof(sa_family_t) : strcmp(from.sun_path, from_path) != 0)
        fail("%s: sender is '%s' (address length %u)", what, from.sun_path, len);
}

static void expect_drained(int fd, const char *what)
{
    char c;
    if (recv(fd, &c, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
        fail("%s: more than expected was queued", what);
}

static struct sockaddr_un address(const char *dir, const char *name, socklen_t *len)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s/%s", dir, name);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
    return a;
}

static int connect_to(const char *dir, const char *name)
{
    socklen_t len;
    struct sockaddr_un a = address(dir, name, &len);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, len) != 0)
        fail("connect to %s", a.sun_path);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: unixsock DIR GO_PATH\n");
        return 2;
    }
    const char *dir = argv[1], *go = argv[2];
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* a job of its own: not a member of the group of the shell that started it */
    if (setpgid(0, 0) != 0)
        fail("setpgid");
    int s1[2], s2[2], s3[2], s4[2], s5[2], e[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s1) || socketpair(AF_UNIX, SOCK_DGRAM, 0, s2)
        || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s3) || socketpair(AF_UNIX, SOCK_STREAM, 0, s4)
        || socketpair(AF_UNIX, SOCK_STREAM, 0, s5) || pipe(e))
        fail("socketpair");
    socklen_t llen, dlen;
    struct sockaddr_un la = address(dir, "listen.sock", &llen), da = address(dir, "dgram.sock", &dlen);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&la, llen) || listen(l, 5))
        fail("listen on %s", la.sun_path);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (d < 0 || bind(d, (struct sockaddr *)&da, dlen))
        fail("bind %s", da.sun_path);

    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        close(s1[0]); close(s2[0]); close(s3[0]); close(s4[0]); close(s5[0]); close(e[0]); close(l); close(d);
        write_pattern(s1[1], 11, 1000);
        write_all(s2[1], "p-one", 5);
        write_all(s2[1], "p-two!", 6);
        int c = connect_to(dir, "listen.sock");
        write_all(c, "hello-from-client", 17);
        int u = socket(AF_UNIX, SOCK_DGRAM, 0);
        socklen_t clen;
        struct sockaddr_un ca = address(dir, "client.sock", &clen);
        int cl = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (cl < 0 || bind(cl, (struct sockaddr *)&ca, clen) || connect(cl, (struct sockaddr *)&da, dlen))
            fail("datagram client %s", ca.sun_path);
        if (sendto(u, "dgram-1", 7, 0, (struct sockaddr *)&da, dlen) != 7 || send(cl, "from-client", 11, 0) != 11
            || sendto(u, "dgram-22", 8, 0, (struct sockaddr *)&da, dlen) != 8)
            fail("sendto %s", da.sun_path);
        write_all(s4[1], "bye", 3);
        if (shutdown(s4[1], SHUT_WR))
            fail("shutdown");
        write_all(s5[1], "0123456789", 10);
        close(s5[1]);
        write_all(e[1], "r", 1);
        await_go(go);

        expect_pattern(s1[1], 12, 3000, "child: S1");
        expect_drained(s1[1], "child: S1");
        expect_message(s2[1], "one", 3, "child: S2 first");
        expect_message(s2[1], "", 0, "child: S2 empty");
        expect_message(s2[1], "two-two", 7, "child: S2 third");
        expect_message(s2[1], "three-three-three", 17, "child: S2 fourth");
        expect_drained(s2[1], "child: S2");
        char rec[200];
        memset(rec, 'q', 100);
        expect_message(s3[1], rec, 100, "child: S3 first");
        expect_message(s3[1], "fives", 5, "child: S3 second");
        expect_drained(s3[1], "child: S3");
        expect_pattern(c, 13, 4000, "child: accepted connection");
        expect_drained(c, "child: accepted connection");
        int c2 = connect_to(dir, "listen.sock");
        write_all(c2, "n", 1);
        expect_text(c2, "m", "child: new connection");
        if (sendto(u, "late", 4, 0, (struct sockaddr *)&da, dlen) != 4)
            fail("sendto %s after the checkpoint", da.sun_path);
        if (send(cl, "client-late", 11, 0) != 11)
            fail("send on the connected datagram client after the checkpoint");
        struct sockaddr_un peer = {0};
        socklen_t peerlen = sizeof peer;
        if (getpeername(cl, (struct sockaddr *)&peer, &peerlen) || strcmp(peer.sun_path, da.sun_path) != 0)
            fail("child: datagram client is connected to '%s'", peer.sun_path);
        unlink(ca.sun_path);
        expect_text(s4[1], "ack", "child: S4");
        printf("child: ok\n");
        return 0;
    }
    close(s1[1]); close(s2[1]); close(s3[1]); close(s4[1]); close(s5[1]); close(e[1]);
    if (fcntl(s1[0], F_SETFL, O_NONBLOCK))
        fail("F_SETFL");
    write_pattern(s1[0], 12, 3000);
    write_all(s2[0], "one", 3);
    if (send(s2[0], "", 0, 0) != 0)
        fail("send of an empty datagram");
    write_all(s2[0], "two-two", 7);
    write_all(s2[0], "three-three-three", 17);
    char rec[100];
    memset(rec, 'q', sizeof rec);
    write_all(s3[0], rec, 100);
    write_all(s3[0], "fives", 5);
    int a = accept(l, NULL, NULL);
    if (a < 0)
        fail("accept");
    write_pattern(a, 13, 4000);
    char r;
    read_exact(e[0], &r, 1, "parent: set-up byte");
    printf("ready\n");
    await_go(go);

    if (!(fcntl(s1[0], F_GETFL) & O_NONBLOCK))
        fail("parent: S1 lost O_NONBLOCK");
    int queued = -1;
    if (ioctl(s1[0], FIONREAD, &queued) || queued != 1000)
        fail("parent: S1 holds %d bytes, expected 1000", queued);
    expect_pattern(s1[0], 11, 1000, "parent: S1");
    expect_drained(s1[0], "parent: S1");
    expect_message(s2[0], "p-one", 5, "parent: S2 first");
    expect_message(s2[0], "p-two!", 6, "parent: S2 second");
    expect_drained(s2[0], "parent: S2");
    expect_text(a, "hello-from-client", "parent: accepted connection");
    struct sockaddr_un got = {0};
    socklen_t gotlen = sizeof got;
    if (getsockname(l, (struct sockaddr *)&got, &gotlen) || strcmp(got.sun_path, la.sun_path) != 0)
        fail("parent: listener is bound to '%s'", got.sun_path);
    int a2 = accept(l, NULL, NULL);
    if (a2 < 0)
        fail("parent: accept after the checkpoint");
    expect_text(a2, "n", "parent: new connection");
    write_all(a2, "m", 1);
    socklen_t clen;
    struct sockaddr_un ca = address(dir, "client.sock", &clen);
    expect_from(d, "dgram-1", NULL, "parent: D first");
    expect_from(d, "from-client", ca.sun_path, "parent: D second");
    expect_from(d, "dgram-22", NULL, "parent: D third");
    expect_from(d, "late", NULL, "parent: D after the checkpoint");
    expect_from(d, "client-late", ca.sun_path, "parent: D from the client after the checkpoint");
    expect_drained(d, "parent: D");
    expect_text(s4[0], "bye", "parent: S4");
    expect_eof(s4[0], "parent: S4 after the child's shutdown");
    write_all(s4[0], "ack", 3);
    expect_text(s5[0], "0123456789", "parent: S5");
    expect_eof(s5[0], "parent: S5 after the child closed its end");
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("parent: child ended with status %d", status);
    unlink(la.sun_path);
    unlink(da.sun_path);
    printf("UNIXSOCK OK\n");
    return 0;
}
