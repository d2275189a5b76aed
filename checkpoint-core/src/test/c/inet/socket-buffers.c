/*
 * socket-buffers: TCP and UDP sockets whose buffer sizes the job set (SO_SNDBUF, SO_RCVBUF), to be
 * dumped, killed and restored while it waits for GO_FILE to appear.
 *
 * One process holds:
 *  - L, a TCP listener on 127.0.0.1 with a receive buffer of LISTENER_RCVBUF;
 *  - C -> A, a connection through L: C (non-blocking) has a send buffer of CLIENT_SNDBUF, A
 *    inherited L's receive buffer; C wrote until EAGAIN and A read nothing, so both queues are
 *    full and part of the bytes was never sent;
 *  - D, a UDP socket with a receive buffer of UDP_RCVBUF and its send buffer left to the kernel;
 *  - T, an unconnected TCP socket with a send buffer of UNCONNECTED_SNDBUF.
 * READY_FILE then holds "<bytes C wrote> <listener port>". After GO_FILE it checks that every
 * size and lock (SO_BUF_LOCK) is what it was, that sizes the job never set are still unlocked
 * (left to autotuning), that a connection accepted now from L gets L's receive buffer, and that
 * A receives every byte C wrote, in order, and nothing more.
 * Prints "PASS ..." and exits 0; any failure prints "FAIL ..." and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif
#define SNDBUF_LOCK 1
#define RCVBUF_LOCK 2

#define LISTENER_RCVBUF 6000
#define CLIENT_SNDBUF 20000
#define UDP_RCVBUF 50000
#define UNCONNECTED_SNDBUF 70000
#define CHUNK 1000

struct sizes {
    int sndbuf, rcvbuf, locks;
};

static int get_int(int fd, int option, const char *name)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, option, &v, &len) != 0)
        fail("getsockopt %s of fd %d", name, fd);
    return v;
}

static void set_int(int fd, int option, int v, const char *name)
{
    if (setsockopt(fd, SOL_SOCKET, option, &v, sizeof v) != 0)
        fail("setsockopt %s of fd %d", name, fd);
}

static struct sizes sizes_of(int fd)
{
    struct sizes s = {get_int(fd, SO_SNDBUF, "SO_SNDBUF"), get_int(fd, SO_RCVBUF, "SO_RCVBUF"),
                      get_int(fd, SO_BUF_LOCK, "SO_BUF_LOCK")};
    return s;
}

/* Same locks, same locked sizes; a size the kernel chose may have moved. */
static void expect_sizes(const char *what, struct sizes before, int fd)
{
    struct sizes now = sizes_of(fd);
    if (now.locks != before.locks)
        fail("%s: SO_BUF_LOCK %d, was %d", what, now.locks, before.locks);
    if ((before.locks & SNDBUF_LOCK) && now.sndbuf != before.sndbuf)
        fail("%s: SO_SNDBUF %d, was %d", what, now.sndbuf, before.sndbuf);
    if ((before.locks & RCVBUF_LOCK) && now.rcvbuf != before.rcvbuf)
        fail("%s: SO_RCVBUF %d, was %d", what, now.rcvbuf, before.rcvbuf);
}

/* Writes the pattern on non-blocking fd until the kernel takes no more; returns the byte count. */
static size_t write_until_full(int fd, unsigned seed)
{
    unsigned char chunk[CHUNK];
    size_t total = 0;
    for (int idle_ms = 0; idle_ms < 200;) {
        for (size_t i = 0; i < CHUNK; i++)
            chunk[i] = pattern(seed, total + i);
        ssize_t w = write(fd, chunk, CHUNK);
        if (w > 0) {
            total += (size_t)w;
            idle_ms = 0;
        } else if (w < 0 && errno == EAGAIN) {
            struct timespec ms = {0, 1000 * 1000};
            nanosleep(&ms, NULL); /* the peer's ACKs may free room: full means full for 200 ms */
            idle_ms++;
        } else {
            fail("write fd %d", fd);
        }
    }
    return total;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        fail("usage: socket-buffers GO_FILE READY_FILE");
    const char *go = argv[1];
    setvbuf(stdout, NULL, _IONBF, 0);

    int l = socket(AF_INET, SOCK_STREAM, 0);
    set_int(l, SO_RCVBUF, LISTENER_RCVBUF, "SO_RCVBUF");
    struct sockaddr_in any = loopback(0);
    if (bind(l, (struct sockaddr *)&any, sizeof any) != 0 || listen(l, 8) != 0)
        fail("listen on 127.0.0.1");
    unsigned short port = port_of(l);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    set_int(c, SO_SNDBUF, CLIENT_SNDBUF, "SO_SNDBUF");
    struct sockaddr_in to = loopback(port);
    if (connect(c, (struct sockaddr *)&to, sizeof to) != 0)
        fail("connect to 127.0.0.1:%u", port);
    int a = accept(l, NULL, NULL);
    if (a < 0)
        fail("accept");
    if (fcntl(c, F_SETFL, O_NONBLOCK) != 0)
        fail("O_NONBLOCK");
    size_t written = write_until_full(c, 7);

    int d = socket(AF_INET, SOCK_DGRAM, 0);
    set_int(d, SO_RCVBUF, UDP_RCVBUF, "SO_RCVBUF");
    if (bind(d, (struct sockaddr *)&any, sizeof any) != 0)
        fail("bind udp");
    int t = socket(AF_INET, SOCK_STREAM, 0);
    set_int(t, SO_SNDBUF, UNCONNECTED_SNDBUF, "SO_SNDBUF");

    struct sizes sl = sizes_of(l), sc = sizes_of(c), sa = sizes_of(a), sd = sizes_of(d), st = sizes_of(t);
    if (sl.locks != RCVBUF_LOCK || sa.locks != RCVBUF_LOCK || sc.locks != SNDBUF_LOCK || sd.locks != RCVBUF_LOCK
        || st.locks != SNDBUF_LOCK)
        fail("locks before the dump: L %d A %d C %d D %d T %d", sl.locks, sa.locks, sc.locks, sd.locks, st.locks);

    write_ready(argv[2], "%zu %u\n", written, port);
    await_go(go);

    expect_sizes("listener", sl, l);
    expect_sizes("client", sc, c);
    expect_sizes("accepted", sa, a);
    expect_sizes("udp", sd, d);
    expect_sizes("unconnected", st, t);
    int c2 = connect_to(port);
    int a2 = accept(l, NULL, NULL);
    if (a2 < 0)
        fail("accept after the restore");
    expect_sizes("accepted after the restore", sl, a2);
    expect_pattern(a, 7, written, "accepted end");
    if (fcntl(a, F_SETFL, O_NONBLOCK) != 0)
        fail("O_NONBLOCK");
    char extra;
    if (read(a, &extra, 1) != -1 || errno != EAGAIN)
        fail("accepted end: a byte beyond the %zu written, or no EAGAIN", written);
    close(c2);
    close(a2);
    printf("PASS %zu bytes through sndbuf %d to rcvbuf %d; listener rcvbuf %d, udp rcvbuf %d, unconnected sndbuf %d;"
           " unset sizes unlocked\n", written, sc.sndbuf, sa.rcvbuf, sl.rcvbuf, sd.rcvbuf, st.sndbuf);
    return 0;
}
