/*
 * unsupported-socket: holds a socket crak does not checkpoint, whose dump must be refused while the
 * program runs on untouched. KIND is "netlink" (NETLINK_ROUTE), "raw" (a raw ICMP socket) or
 * "unaccepted" (a TCP connection to a listener of its own that has not accepted it; the client's
 * descriptor comes first). READY_FILE holds the socket's fd number; after GO_FILE it checks the
 * socket is still its own (SO_DOMAIN; the connection: accepted now, a byte goes through) and prints
 * "PASS KIND socket kept" (exit 0); any failure prints "FAIL ...", exit 1.
 */
#define _GNU_SOURCE
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../cprog/stream-check.h"
#include "inet-check.h"

int main(int argc, char **argv)
{
    if (argc != 4)
        fail("usage: unsupported-socket GO_FILE READY_FILE netlink|raw");
    setvbuf(stdout, NULL, _IONBF, 0);
    int netlink = strcmp(argv[3], "netlink") == 0;
    int unaccepted = strcmp(argv[3], "unaccepted") == 0;
    int l = -1;
    int s = netlink ? socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)
            : unaccepted ? socket(AF_INET, SOCK_STREAM, 0) : socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (s < 0)
        fail("%s socket", argv[3]);
    if (unaccepted) {
        l = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in any = loopback(0);
        if (bind(l, (struct sockaddr *)&any, sizeof any) != 0 || listen(l, 1) != 0)
            fail("listen");
        struct sockaddr_in to = loopback(port_of(l));
        if (connect(s, (struct sockaddr *)&to, sizeof to) != 0)
            fail("connect");
    }
    write_ready(argv[2], "%d\n", s);
    await_go(argv[1]);
    int domain = 0;
    socklen_t len = sizeof domain;
    if (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != (netlink ? AF_NETLINK : AF_INET))
        fail("fd %d is no longer the %s socket", s, argv[3]);
    if (unaccepted) {
        int a = accept(l, NULL, NULL);
        if (a < 0)
            fail("accept");
        write_all(s, "u", 1);
        expect_text(a, "u", "the connection accepted after the refused dump");
    }
    printf("PASS %s socket kept\n", argv[3]);
    return 0;
}
