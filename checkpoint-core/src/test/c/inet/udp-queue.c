/*
 * udp-queue: a UDP socket bound to 127.0.0.1 (ephemeral port, written to READY_FILE) whose
 * queued datagrams are read only once GO_FILE appears: it then prints "GOT <payload> from
 * <port>" for each one queued, oldest first, and "END" when none is left.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GO_FILE READY_FILE\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (bind(u, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(u, (struct sockaddr *)&a, &len) != 0) {
        printf("FAIL bind: %s\n", strerror(errno));
        return 1;
    }
    FILE *ready = fopen(argv[2], "w");
    fprintf(ready, "%u\n", ntohs(a.sin_port));
    fclose(ready);
    struct stat st;
    struct timespec ts = {0, 5 * 1000 * 1000};
    while (stat(argv[1], &st) != 0)
        nanosleep(&ts, NULL);
    char buf[256];
    struct sockaddr_in from;
    for (;;) {
        len = sizeof from;
        ssize_t n = recvfrom(u, buf, sizeof buf - 1, MSG_DONTWAIT, (struct sockaddr *)&from, &len);
        if (n < 0)
            break;
        buf[n] = 0;
        printf("GOT %s from %u\n", buf, ntohs(from.sin_port));
    }
    printf("END\n");
    return 0;
}
