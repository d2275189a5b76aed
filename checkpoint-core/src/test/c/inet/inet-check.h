/*
 * Shared by the TCP/UDP test programs (after ../cprog/stream-check.h, whose fail() it uses):
 * IPv4 loopback addresses, connecting to a port there, the port a socket is bound to and the TCP
 * state of a socket.
 */
#ifndef CRAK_INET_CHECK_H
#define CRAK_INET_CHECK_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static struct sockaddr_in loopback(unsigned short port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    return a;
}

__attribute__((unused)) static int connect_to(unsigned short port)
{
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    if (connect(c, (struct sockaddr *)&a, sizeof a) != 0)
        fail("connect to 127.0.0.1:%u", port);
    return c;
}

/* The local port of an IPv4 socket, 0 while it is unbound. */
__attribute__((unused)) static unsigned short port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        fail("getsockname of fd %d", fd);
    return ntohs(a.sin_port);
}

/* tcpi_state of TCP_INFO: TCP_ESTABLISHED, TCP_CLOSE... (netinet/tcp.h) */
__attribute__((unused)) static int tcp_state(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        fail("TCP_INFO of fd %d", fd);
    return ti.tcpi_state;
}
#endif
