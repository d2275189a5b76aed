/*
 * tcp-reset: a job with a TCP connection to a peer outside the job (127.0.0.1:PORT, given by the
 * test). Dumped with --tcp-close and restored, the connection must come back reset: after
 * GO_FILE appears, a read on it fails with ECONNRESET. Prints "PASS ..." or "FAIL ...".
 */
#define _GNU_SOURCE
#include "../cprog/stream-check.h"
#include "inet-check.h"

int main(int argc, char **argv)
{
    if (argc != 4)
        fail("usage: tcp-reset PORT GO_FILE READY_FILE");
    setvbuf(stdout, NULL, _IOLBF, 0);
    int c = connect_to((unsigned short)atoi(argv[1]));
    write_all(c, "hello", 5);
    write_ready(argv[3], "connected\n");
    await_go(argv[2]);
    char buf[16];
    ssize_t n = read(c, buf, sizeof buf);
    if (n < 0 && errno == ECONNRESET) {
        printf("PASS read on the dropped connection: ECONNRESET\n");
        return 0;
    }
    fail("read on the dropped connection returned %zd, expected ECONNRESET", n);
}
