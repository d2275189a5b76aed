/*
 * tcp6-dual-stack: IPv6 sockets of a two-process job. The parent listens on [::] (IPV6_V6ONLY
 * off: IPv4 too) and a UDP socket bound to [::1]; the child connects to [::1] and writes
 * STREAM_BYTES the parent does not read yet. READY_FILE gets the port. After GO_FILE (dumped,
 * killed and restored meanwhile): the parent reads and checks the bytes, the child connects again
 * over IPv4 (127.0.0.1, same port: the listener must still be dual-stack) and sends a datagram to
 * [::1]. The parent prints "PASS ..." or "FAIL ...".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STREAM_BYTES 20000

static void fail(const char *what)
{
    printf("FAIL pid %d: %s (%s)\n", getpid(), what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static void await_file(const char *path)
{
    struct stat st;
    struct timespec ts = {0, 5 * 1000 * 1000};
    while (stat(path, &st) != 0)
        nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GO_FILE READY_FILE\n", argv[0]);
        return 2;
    }
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
        char buf[STREAM_BYTES];
        for (int i = 0; i < STREAM_BYTES; i++)
            buf[i] = (char)(i * 11 + 2);
        if (write(c, buf, sizeof buf) != sizeof buf)
            fail("write");
        await_file(argv[1]);
        int c4 = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in to4 = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (connect(c4, (struct sockaddr *)&to4, sizeof to4) != 0)
            fail("IPv4 connect to the dual-stack listener");
        if (sendto(u, "v6", 2, 0, (struct sockaddr *)&ua, sizeof ua) != 2)
            fail("sendto [::1]");
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    if (s < 0)
        fail("accept");
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    FILE *ready = fopen(argv[2], "w");
    fprintf(ready, "%u\n", port);
    fclose(ready);
    await_file(argv[1]);
    char buf[STREAM_BYTES];
    size_t got = 0;
    while (got < sizeof buf) {
        ssize_t n = read(s, buf + got, sizeof buf - got);
        if (n <= 0)
            fail("read the stream");
        got += n;
    }
    for (int i = 0; i < STREAM_BYTES; i++)
        if (buf[i] != (char)(i * 11 + 2))
            fail("stream content");
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
