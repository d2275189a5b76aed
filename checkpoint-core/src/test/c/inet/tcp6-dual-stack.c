/*
 * tcp6-dual-stack: IPv6 sockets of a two-process job. The parent listens on [::] (IPV6_V6ONLY
 * off: IPv4 too) and a UDP socket bound to [::1]; the child connects to [::1] and writes
 * STREAM_BYTES the parent does not read yet. READY_FILE gets the port. After GO_FILE (dumped,
 * killed and restored meanwhile): the parent reads and checks the bytes, the child connects again
 * over IPv4 (127.0.0.1, same port: the listener must still be dual-stack) and sends a datagram to
 * [::1]. The parent prints "PASS ..." or "FAIL ...".
 */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

#define STREAM_BYTES 20000
#define STREAM_SEED 11

int main(int argc, char **argv)
{
    if (argc != 3)
        fail("usage: tcp6-dual-stack GO_FILE READY_FILE");
    setvbuf(stdout, NULL, _IOLBF, 0);
    int l = socket(AF_INET6, SOCK_STREAM, 0), off = 0;
    setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
    socklen_t len = sizeof a;
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 4) != 0 || getsockname(l, (struct sockaddr *)&a, &len) != 0)
        fail("listen on [::]");
    unsigned short port = ntohs(a.sin6_port);
    int u = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 ua = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
    len = sizeof ua;
    if (bind(u, (struct sockaddr *)&ua, sizeof ua) != 0 || getsockname(u, (struct sockaddr *)&ua, &len) != 0)
        fail("bind UDP to [::1]");
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_INET6, SOCK_STREAM, 0);
        struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = in6addr_loopback};
        if (connect(c, (struct sockaddr *)&to, sizeof to) != 0)
            fail("connect to [::1]");
        write_pattern(c, STREAM_SEED, STREAM_BYTES);
        await_go(argv[1]);
        connect_to(port); /* over IPv4: the listener must still be dual-stack */
        if (sendto(u, "v6", 2, 0, (struct sockaddr *)&ua, sizeof ua) != 2)
            fail("sendto [::1]");
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    if (s < 0)
        fail("accept");
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    write_ready(argv[2], "%u\n", port);
    await_go(argv[1]);
    expect_pattern(s, STREAM_SEED, STREAM_BYTES, "the stream");
    struct sockaddr_in6 from;
    len = sizeof from;
    int s4 = accept(l, (struct sockaddr *)&from, &len);
    if (s4 < 0 || !IN6_IS_ADDR_V4MAPPED(&from.sin6_addr))
        fail("accept of the IPv4 connection");
    char d[4] = {0};
    if (recv(u, d, sizeof d, 0) != 2 || memcmp(d, "v6", 2) != 0)
        fail("datagram");
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("child");
    printf("PASS ipv6 stream %d bytes, dual-stack listener port %u, udp [::1]\n", STREAM_BYTES, port);
    return 0;
}
