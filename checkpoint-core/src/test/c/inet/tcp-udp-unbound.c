/*
 * tcp-udp-unbound: sockets /proc/net/{tcp,udp} do not list, to be dumped, killed and restored while
 * it waits for GO_FILE to appear: T, a TCP socket never bound; B, a TCP socket bound to 127.0.0.1
 * (kernel-chosen port) that neither listens nor connects; U, a UDP socket never bound.
 * READY_FILE holds B's port. After GO_FILE it checks that T and U are still unbound and B still
 * bound to its port, then uses each as the job would have: B listens, T connects to it, B accepts
 * and a byte goes through; U sends a datagram (which binds it) that a new UDP socket receives from
 * U's new port. Prints "PASS ..." and exits 0; any failure prints "FAIL ..." and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

static void expect_loopback(int fd, const char *what)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0 || a.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
        fail("%s: not bound to 127.0.0.1", what);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        fail("usage: tcp-udp-unbound GO_FILE READY_FILE");
    setvbuf(stdout, NULL, _IONBF, 0);
    int t = socket(AF_INET, SOCK_STREAM, 0);
    int b = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any_port = loopback(0);
    if (t < 0 || b < 0 || u < 0 || bind(b, (struct sockaddr *)&any_port, sizeof any_port) != 0)
        fail("sockets");
    unsigned short port = port_of(b);
    write_ready(argv[2], "%u\n", port);
    await_go(argv[1]);

    if (port_of(t) != 0 || port_of(u) != 0)
        fail("T or U came back bound");
    if (port_of(b) != port)
        fail("B came back bound to port %u, was %u", port_of(b), port);
    expect_loopback(b, "B");
    struct sockaddr_in to_b = loopback(port);
    if (listen(b, 1) != 0 || connect(t, (struct sockaddr *)&to_b, sizeof to_b) != 0)
        fail("listen on B, connect T to it");
    int a = accept(b, NULL, NULL);
    if (a < 0)
        fail("accept on B");
    write_all(t, "t", 1);
    expect_text(a, "t", "T to B");

    int r = socket(AF_INET, SOCK_DGRAM, 0);
    if (r < 0 || bind(r, (struct sockaddr *)&any_port, sizeof any_port) != 0)
        fail("receiver");
    struct sockaddr_in to_r = loopback(port_of(r));
    if (sendto(u, "u", 1, 0, (struct sockaddr *)&to_r, sizeof to_r) != 1)
        fail("sendto from U");
    char c = 0;
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    if (recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &len) != 1 || c != 'u')
        fail("datagram from U");
    if (ntohs(from.sin_port) != port_of(u) || port_of(u) == 0)
        fail("datagram from port %u, U is bound to %u", ntohs(from.sin_port), port_of(u));
    printf("PASS unbound TCP connected to B, B bound to port %u listened, unbound UDP sent\n", port);
    return 0;
}
