/*
 * tcp-half-closed: TCP connections between two processes of one job that one side has shut down
 * for writing, to be dumped, killed and restored while it waits for GO_FILE to appear.
 *
 * The parent listens on 127.0.0.1, the child connects twice. Before the dump:
 *  - connection A: the child writes A_BYTES, then shuts down for writing; the parent reads
 *    nothing (child FIN_WAIT2, parent CLOSE_WAIT with the bytes and the FIN queued);
 *  - connection B: the parent, whose send buffer is large and whose peer's receive buffer is
 *    tiny, writes B_BYTES and shuts down for writing: most of it, and the FIN, were never sent
 *    (parent FIN_WAIT1, child ESTABLISHED with a full receive queue).
 * READY_FILE then holds the TCP states both see (tcpi_state of TCP_INFO). After GO_FILE, each
 * side first checks the states are the same again (the parent waits for the child's check), then: the parent reads A's bytes and end of
 * file, answers on A (the half that is still open) and closes it; the child reads the answer and
 * end of file on A, reads all of B and its end of file, and answers on B, which the parent reads.
 * Prints "PASS ..." and exits 0; any failure prints "FAIL ..." and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

#define A_BYTES 5000
#define B_BYTES (512 * 1024)
#define TINY_RCVBUF 4096
#define LARGE_SNDBUF (1024 * 1024)

static const char *go_file;

static void nap_ms(long ms)
{
    struct timespec ts = {0, ms * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void write_text(int fd, const char *text)
{
    write_all(fd, text, strlen(text));
}

/* The child: reports its states through the pipe, then checks them again after GO_FILE. */
static void child(unsigned short port, int report)
{
    int a = connect_to(port);
    int tiny = TINY_RCVBUF;
    int b = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(b, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    struct sockaddr_in la = loopback(port);
    if (connect(b, (struct sockaddr *)&la, sizeof la) != 0)
        fail("second connect");
    write_pattern(a, 1, A_BYTES);
    if (shutdown(a, SHUT_WR) != 0)
        fail("shutdown of A");
    char states[2] = {0};
    for (int i = 0; i < 200 && (states[0] = (char)tcp_state(a)) != TCP_FIN_WAIT2; i++)
        nap_ms(5);
    /* B's state once the parent has shut it down */
    char go_b;
    if (read(report, &go_b, 1) != 1)
        fail("waiting for the parent");
    nap_ms(100);
    states[1] = (char)tcp_state(b);
    if (write(report, states, 2) != 2)
        fail("reporting states");

    await_go(go_file);

    if (tcp_state(a) != states[0] || tcp_state(b) != states[1])
        fail("child states after the checkpoint: A %d (was %d), B %d (was %d)", tcp_state(a), states[0],
             tcp_state(b), states[1]);
    if (write(report, "k", 1) != 1)
        fail("telling the parent the states are checked");
    expect_text(a, "answer-on-a", "child: the answer on A");
    expect_eof(a, "child: A after the parent closed it");
    expect_pattern(b, 2, B_BYTES, "child: B");
    expect_eof(b, "child: B after the parent's shutdown");
    write_text(b, "answer-on-b");
    _exit(0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GO_FILE READY_FILE\n", argv[0]);
        return 2;
    }
    go_file = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in la = loopback(0);
    socklen_t len = sizeof la;
    if (bind(l, (struct sockaddr *)&la, sizeof la) != 0 || listen(l, 8) != 0
        || getsockname(l, (struct sockaddr *)&la, &len) != 0)
        fail("listen on 127.0.0.1");
    int report[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, report) != 0)
        fail("socketpair");
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        child(ntohs(la.sin_port), report[1]);
    }
    close(report[1]);
    int a = accept(l, NULL, NULL), b = accept(l, NULL, NULL);
    if (a < 0 || b < 0)
        fail("accept");
    int big = LARGE_SNDBUF;
    setsockopt(b, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    write_pattern(b, 2, B_BYTES);
    if (shutdown(b, SHUT_WR) != 0)
        fail("shutdown of B");
    if (write(report[0], "b", 1) != 1)
        fail("telling the child");
    char child_states[2];
    if (read(report[0], child_states, 2) != 2)
        fail("reading the child's states");
    int state_a = tcp_state(a), state_b = tcp_state(b);
    write_ready(argv[2], "parent A %d B %d child A %d B %d\n", state_a, state_b, child_states[0], child_states[1]);

    await_go(go_file);

    if (tcp_state(a) != state_a || tcp_state(b) != state_b)
        fail("parent states after the checkpoint: A %d (was %d), B %d (was %d)", tcp_state(a), state_a, tcp_state(b),
             state_b);
    /* nothing moves on either connection before the child has checked its states too */
    char checked;
    if (read(report[0], &checked, 1) != 1)
        fail("waiting for the child's check");
    expect_pattern(a, 1, A_BYTES, "parent: A");
    expect_eof(a, "parent: A after the child's shutdown");
    write_text(a, "answer-on-a");
    close(a);
    expect_text(b, "answer-on-b", "parent: the answer on B");
    expect_eof(b, "parent: B after the child ended");
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("child %d ended with status %#x", pid, status);
    printf("PASS A %d bytes then end of file, B %d bytes then end of file, both answered\n", A_BYTES, B_BYTES);
    return 0;
}
