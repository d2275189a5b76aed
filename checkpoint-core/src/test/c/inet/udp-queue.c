/*
 * udp-queue: a UDP socket bound to 127.0.0.1 (ephemeral port, written to READY_FILE) whose
 * queued datagrams are read only once GO_FILE appears: it then prints "GOT <payload> from
 * <port>" for each one queued, oldest first, and "END" when none is left.
 */
#define _GNU_SOURCE
#include "../cprog/stream-check.h"
#include "inet-check.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        fail("usage: udp-queue GO_FILE READY_FILE");
    setvbuf(stdout, NULL, _IOLBF, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(0);
    if (bind(u, (struct sockaddr *)&a, sizeof a) != 0)
        fail("bind");
    write_ready(argv[2], "%u\n", port_of(u));
    await_go(argv[1]);
    char buf[256];
    struct sockaddr_in from;
    for (;;) {
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(u, buf, sizeof buf - 1, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
        if (n < 0)
            break;
        buf[n] = 0;
        printf("GOT %s from %u\n", buf, ntohs(from.sin_port));
    }
    printf("END\n");
    return 0;
}
