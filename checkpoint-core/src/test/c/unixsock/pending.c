/*
 * pending: connections a unix stream listener has not accepted yet, across a checkpoint.
 *
 * usage: pending DIR GO_PATH [early-data]
 * The parent listens on DIR/pending.sock (backlog 8). Before "ready", three clients connect and
 * none is accepted: C1 (parent), C2 (child, O_NONBLOCK), C3 (parent, shut down for writing).
 * With "early-data", C1 also sends "early" before "ready": that state cannot be dumped, the dump
 * must be refused and the job go on untouched.
 * Once GO_PATH exists: the child sends "2" on C2, the parent "1" on C1; the parent accepts three
 * times and must get C1's connection first ("1", or "early1"), then C2's ("2"), then C3's (end of
 * file at once); each accepted connection answers and its client must read the answer; C1's peer
 * name is the listener's path; nothing more is waiting; the listener takes a new connection.
 * Prints "PENDING OK" and exits 0; any mismatch prints "FAIL: ..." and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cprog/stream-check.h"

static struct sockaddr_un listener_address(const char *dir, socklen_t *len)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s/pending.sock", dir);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
    return a;
}

static int connect_to(const struct sockaddr_un *a, socklen_t len, const char *what)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)a, len) != 0)
        fail("%s: connect to %s", what, a->sun_path);
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 3 && !(argc == 4 && strcmp(argv[3], "early-data") == 0)) {
        fprintf(stderr, "usage: pending DIR GO_PATH [early-data]\n");
        return 2;
    }
    const char *dir = argv[1], *go = argv[2];
    int early = argc == 4;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (setpgid(0, 0) != 0)
        fail("setpgid");
    socklen_t len;
    struct sockaddr_un la = listener_address(dir, &len);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&la, len) || listen(l, 8))
        fail("listen on %s", la.sun_path);
    int c1 = connect_to(&la, len, "C1");
    if (early)
        write_all(c1, "early", 5);
    int step[2];
    if (pipe(step))
        fail("pipe");
    pid_t child = fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        close(l);
        close(c1);
        close(step[0]);
        int c2 = connect_to(&la, len, "C2");
        if (fcntl(c2, F_SETFL, O_NONBLOCK))
            fail("F_SETFL");
        write_all(step[1], "c", 1);
        await_go(go);
        if (!(fcntl(c2, F_GETFL) & O_NONBLOCK))
            fail("child: C2 lost O_NONBLOCK");
        if (fcntl(c2, F_SETFL, 0))
            fail("F_SETFL");
        write_all(c2, "2", 1);
        expect_text(c2, "b", "child: answer on C2");
        printf("child: ok\n");
        return 0;
    }
    close(step[1]);
    char r;
    read_exact(step[0], &r, 1, "parent: the child's connection");
    int c3 = connect_to(&la, len, "C3");
    if (shutdown(c3, SHUT_WR))
        fail("shutdown of C3");
    printf("ready\n");
    await_go(go);

    write_all(c1, "1", 1);
    int a1 = accept(l, NULL, NULL), a2 = accept(l, NULL, NULL), a3 = accept(l, NULL, NULL);
    if (a1 < 0 || a2 < 0 || a3 < 0)
        fail("parent: accept of the connections that were waiting");
    expect_text(a1, early ? "early1" : "1", "parent: first accepted (C1)");
    expect_text(a2, "2", "parent: second accepted (C2)");
    expect_eof(a3, "parent: third accepted (C3, shut down for writing)");
    write_all(a1, "a", 1);
    write_all(a2, "b", 1);
    write_all(a3, "c", 1);
    expect_text(c1, "a", "parent: answer on C1");
    expect_text(c3, "c", "parent: answer on C3");
    struct sockaddr_un peer = {0};
    socklen_t peerlen = sizeof peer;
    if (getpeername(c1, (struct sockaddr *)&peer, &peerlen) || strcmp(peer.sun_path, la.sun_path) != 0)
        fail("parent: C1 is connected to '%s'", peer.sun_path);
    if (fcntl(l, F_SETFL, O_NONBLOCK) || accept(l, NULL, NULL) != -1 || errno != EAGAIN)
        fail("parent: more connections were waiting than the three");
    if (fcntl(l, F_SETFL, 0))
        fail("F_SETFL");
    int c4 = connect_to(&la, len, "C4");
    int a4 = accept(l, NULL, NULL);
    write_all(c4, "4", 1);
    expect_text(a4, "4", "parent: a new connection after the checkpoint");
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("parent: child ended with status %d", status);
    unlink(la.sun_path);
    printf("PENDING OK\n");
    return 0;
}
