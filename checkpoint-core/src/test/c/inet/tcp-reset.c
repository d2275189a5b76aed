/*
 * tcp-reset: a job with a TCP connection to a peer outside the job (127.0.0.1:PORT, given by the
 * test). Dumped with --tcp-close and restored, the connection must come back reset: after
 * GO_FILE appears, a read on it fails with ECONNRESET. Prints "PASS ..." or "FAIL ...".
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
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PORT GO_FILE READY_FILE\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0 || write(c, "hello", 5) != 5) {
        printf("FAIL connect/write to port %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    FILE *ready = fopen(argv[3], "w");
    fprintf(ready, "connected\n");
    fclose(ready);
    struct stat st;
    struct timespec ts = {0, 5 * 1000 * 1000};
    while (stat(argv[2], &st) != 0)
        nanosleep(&ts, NULL);
    char buf[16];
    ssize_t n = read(c, buf, sizeof buf);
    if (n < 0 && errno == ECONNRESET) {
        printf("PASS read on the dropped connection: ECONNRESET\n");
        return 0;
    }
    printf("FAIL read on the dropped connection returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "data/EOF");
    return 1;
}
