/*
 * tcp-closed: a TCP connection closed both ways whose socket the job still holds, to be dumped,
 * killed and restored while it waits for GO_FILE to appear.
 *
 * A connects to listener L, which accepts B. A shuts down for writing; B writes TAIL_BYTES, shuts
 * down for writing too and closes; A reads nothing. A is then in state CLOSE with the bytes still
 * queued. F is a TCP socket never connected (also CLOSE). READY_FILE holds "A <state> F
 * <state>" (tcpi_state). After GO_FILE it checks that A is still CLOSE and reads its bytes, then end
 * of file, and a write gives EPIPE; that F still gives ENOTCONN on read; and that L still accepts.
 * With "time-wait-on-listener", B closes first instead, leaving its TIME_WAIT on L's port (see main).
 * Prints "PASS ..." and exits 0; any failure prints "FAIL ..." and exits 1.
 */
#define _GNU_SOURCE
#include <netinet/tcp.h>
#include <signal.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

#define TAIL_BYTES 70000

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4)
        fail("usage: tcp-closed GO_FILE READY_FILE [time-wait-on-listener]");
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGPIPE, SIG_IGN);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = loopback(0);
    if (bind(l, (struct sockaddr *)&any, sizeof any) != 0 || listen(l, 4) != 0)
        fail("listen");
    unsigned short port = port_of(l);
    int a = connect_to(port);
    int b = accept(l, NULL, NULL);
    if (b < 0)
        fail("accept");
    /* A closes first, so the TIME_WAIT left behind is on A's port; with "time-wait-on-listener"
     * B does, and its TIME_WAIT on L's port would keep L (no SO_REUSEADDR) from binding again on
     * this node for a minute, had crak's restore not removed it */
    int b_first = argc > 3 && strcmp(argv[3], "time-wait-on-listener") == 0;
    if (!b_first && shutdown(a, SHUT_WR) != 0)
        fail("shutdown A");
    write_pattern(b, 3, TAIL_BYTES);
    if (shutdown(b, SHUT_WR) != 0)
        fail("shutdown B");
    close(b);
    if (b_first) {
        while (tcp_state(a) != TCP_CLOSE_WAIT) {
            struct timespec one_ms = {0, 1000 * 1000};
            nanosleep(&one_ms, NULL);
        }
        if (shutdown(a, SHUT_WR) != 0)
            fail("shutdown A");
    }
    for (int ms = 0; tcp_state(a) != TCP_CLOSE; ms++) {
        if (ms > 5000)
            fail("A stays in state %d", tcp_state(a));
        struct timespec one_ms = {0, 1000 * 1000};
        nanosleep(&one_ms, NULL);
    }
    int f = socket(AF_INET, SOCK_STREAM, 0);
    write_ready(argv[2], "A %d F %d\n", tcp_state(a), tcp_state(f));
    await_go(argv[1]);

    if (tcp_state(a) != TCP_CLOSE || tcp_state(f) != TCP_CLOSE)
        fail("states after the restore: A %d F %d", tcp_state(a), tcp_state(f));
    expect_pattern(a, 3, TAIL_BYTES, "A's queued bytes");
    expect_eof(a, "A after its bytes");
    if (write(a, "x", 1) != -1 || errno != EPIPE)
        fail("write on A: expected EPIPE");
    char c;
    if (read(f, &c, 1) != -1 || errno != ENOTCONN)
        fail("read on F: expected ENOTCONN");
    int a2 = connect_to(port);
    int b2 = accept(l, NULL, NULL);
    if (b2 < 0)
        fail("accept after the restore");
    close(a2);
    close(b2);
    printf("PASS closed connection: %d bytes then end of file, EPIPE; never connected: ENOTCONN\n", TAIL_BYTES);
    return 0;
}
