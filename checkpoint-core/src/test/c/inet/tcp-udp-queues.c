/*
 * tcp-udp-queues: state that lives between two processes of one job over loopback, to be dumped,
 * killed and restored while it waits for the file GO_FILE to appear.
 *
 * The parent listens on 127.0.0.1 (ephemeral port), the child connects. Before the dump:
 *  - the child writes CLIENT_BYTES to the parent, which reads nothing and has a tiny receive
 *    buffer: most of it sits unsent in the child's send queue, the rest in the parent's receive
 *    queue;
 *  - the parent writes SERVER_BYTES to the child, which reads nothing: they sit in the child's
 *    receive queue;
 *  - the parent has a bound UDP socket, the child a UDP socket connected to it; the child has sent
 *    QUEUED_DATAGRAMS datagrams (one of them empty) that the parent has not read, and the test
 *    sends one more from outside the job ("outside", after READY_FILE appears).
 * After GO_FILE: both read and check every byte, exchange a ping/pong on the connection, the child
 * opens a second connection to the same listening port and sends a datagram; the parent reads the
 * queued datagrams first (contents, order and senders), checks it all and prints "PASS ...", with
 * the port the outside datagram came from. Any failure prints "FAIL ..." and exits 1.
 *
 * With a third argument "own-netns" it first moves into a network namespace of its own and sets
 * its loopback up (as a job in its own namespace would); nothing from outside can reach it there,
 * so no outside datagram is expected.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

#define CLIENT_BYTES (256 * 1024)
#define SERVER_BYTES (64 * 1024)
#define TINY_RCVBUF 4096
#define LARGE_SNDBUF (1024 * 1024)
#define QUEUED_DATAGRAMS 3
static const size_t queued_sizes[QUEUED_DATAGRAMS] = {10, 0, 3000};

static const char *go_file;

static void child(unsigned short tcp_port, unsigned short udp_port)
{
    /* the datagrams go first: they are queued before the connection below is accepted */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = loopback(udp_port);
    if (connect(u, (struct sockaddr *)&ua, sizeof ua) != 0)
        fail("connect UDP to 127.0.0.1:%u", udp_port);
    struct sockaddr_in self;
    socklen_t len = sizeof self;
    getsockname(u, (struct sockaddr *)&self, &len);
    for (int q = 0; q < QUEUED_DATAGRAMS; q++) {
        unsigned char d[4096];
        for (size_t i = 0; i < queued_sizes[q]; i++)
            d[i] = pattern(11 + q, i);
        if (send(u, d, queued_sizes[q], 0) != (ssize_t)queued_sizes[q])
            fail("sending queued datagram %d", q);
    }
    int c = socket(AF_INET, SOCK_STREAM, 0);
    int big = LARGE_SNDBUF;
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    struct sockaddr_in a = loopback(tcp_port);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0)
        fail("connect to 127.0.0.1:%u", tcp_port);
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    write_pattern(c, 3, CLIENT_BYTES);

    await_go(go_file);

    expect_pattern(c, 5, SERVER_BYTES, "server stream");
    if (write(c, "ping", 4) != 4)
        fail("writing ping");
    char pong[4];
    if (read(c, pong, 4) != 4 || memcmp(pong, "pong", 4) != 0)
        fail("reading pong");
    int nodelay = 0;
    len = sizeof nodelay;
    getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len);
    if (!nodelay)
        fail("TCP_NODELAY lost");
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c2, (struct sockaddr *)&a, sizeof a) != 0)
        fail("second connect to the kept listening port 127.0.0.1:%u", tcp_port);
    if (write(c2, "again", 5) != 5)
        fail("writing on the second connection");
    char msg[16];
    snprintf(msg, sizeof msg, "udp:%u", ntohs(self.sin_port));
    if (send(u, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
        fail("sending the datagram");
    _exit(0);
}

static void own_network_namespace(void)
{
    if (unshare(CLONE_NEWNET) != 0)
        fail("unshare(CLONE_NEWNET)");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        fail("SIOCGIFFLAGS of lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
        fail("SIOCSIFFLAGS of lo");
    close(s);
}

int main(int argc, char **argv)
{
    if (argc != 3 && !(argc == 4 && strcmp(argv[3], "own-netns") == 0)) {
        fprintf(stderr, "usage: %s GO_FILE READY_FILE [own-netns]\n", argv[0]);
        return 2;
    }
    int own_netns = argc == 4;
    go_file = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (own_netns)
        own_network_namespace();
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1, tiny = TINY_RCVBUF;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(l, SOL_SOCKET, SO_RCVBUF, &tiny, sizeof tiny);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 8) != 0 || getsockname(l, (struct sockaddr *)&a, &len) != 0)
        fail("listen on 127.0.0.1");
    unsigned short port = ntohs(a.sin_port);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = loopback(0);
    len = sizeof ua;
    if (bind(u, (struct sockaddr *)&ua, sizeof ua) != 0 || getsockname(u, (struct sockaddr *)&ua, &len) != 0)
        fail("bind UDP on 127.0.0.1");
    unsigned short uport = ntohs(ua.sin_port);

    pid_t pid = fork();
    if (pid == 0)
        child(port, uport);
    int s = accept(l, NULL, NULL);
    if (s < 0)
        fail("accept");
    write_pattern(s, 5, SERVER_BYTES);
    /* wait until the child's write is done: its bytes stop arriving when our receive queue is full */
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    FILE *ready = fopen(argv[2], "w");
    fprintf(ready, "%u %u\n", port, uport);
    fclose(ready);

    await_go(go_file);

    expect_pattern(s, 3, CLIENT_BYTES, "client stream");
    char ping[4];
    if (read(s, ping, 4) != 4 || memcmp(ping, "ping", 4) != 0)
        fail("reading ping");
    if (write(s, "pong", 4) != 4)
        fail("writing pong");
    int s2 = accept(l, NULL, NULL);
    char again[5];
    if (s2 < 0 || read(s2, again, 5) != 5 || memcmp(again, "again", 5) != 0)
        fail("second connection on port %u", port);
    /* the queued datagrams, in order, all from the child's one socket, then the outside one */
    unsigned char q[4096];
    struct sockaddr_in from;
    unsigned short child_port = 0;
    for (int k = 0; k < QUEUED_DATAGRAMS; k++) {
        len = sizeof from;
        ssize_t got = recvfrom(u, q, sizeof q, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
        if (got != (ssize_t)queued_sizes[k])
            fail("queued datagram %d: %zd bytes, expected %zu", k, got, queued_sizes[k]);
        for (ssize_t i = 0; i < got; i++)
            if (q[i] != pattern(11 + k, i))
                fail("queued datagram %d byte %zd is %u", k, i, q[i]);
        if (k > 0 && ntohs(from.sin_port) != child_port)
            fail("queued datagram %d came from port %u, the others from %u", k, ntohs(from.sin_port), child_port);
        child_port = ntohs(from.sin_port);
    }
    unsigned short outside_port = 0;
    if (!own_netns) {
        len = sizeof from;
        ssize_t got = recvfrom(u, q, sizeof q, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
        if (got != 7 || memcmp(q, "outside", 7) != 0 || from.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
            fail("the datagram from outside the job: %zd bytes", got);
        outside_port = ntohs(from.sin_port);
    }
    char dgram[32] = {0};
    len = sizeof from;
    ssize_t n = recvfrom(u, dgram, sizeof dgram - 1, 0, (struct sockaddr *)&from, &len);
    char expect[16];
    snprintf(expect, sizeof expect, "udp:%u", ntohs(from.sin_port));
    if (n <= 0 || strcmp(dgram, expect) != 0 || ntohs(from.sin_port) != child_port)
        fail("datagram '%s' from port %u (queued ones from %u)", dgram, ntohs(from.sin_port), child_port);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("child %d ended with status %#x", pid, status);
    if (own_netns)
        printf("PASS tcp %u bytes + %u bytes, listener port %u kept, udp port %u, %d datagrams queued by the child, "
               "in a network namespace of its own\n", CLIENT_BYTES, SERVER_BYTES, port, uport, QUEUED_DATAGRAMS);
    else
        printf("PASS tcp %u bytes + %u bytes, listener port %u kept, udp port %u, %d datagrams queued by the child, "
               "one from outside port %u\n", CLIENT_BYTES, SERVER_BYTES, port, uport, QUEUED_DATAGRAMS, outside_port);
    return 0;
}
