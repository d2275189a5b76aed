package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A socket that /proc/PID/net/{tcp,udp}[6] do not list: the TCP table holds only listening and
 * connected sockets, so a TCP socket the job created and has not connected or made listen yet
 * (bound or not) is missing from it, as are an unbound UDP socket and every socket of another
 * family or of another network namespace. SO_DOMAIN, SO_TYPE and SO_PROTOCOL (socket(7)) and
 * SIOCGSKNS (its network namespace) say which it is: the first are described as a table line would
 * (state CLOSE, the address if bound), the others are refused naming what they are.
 */
final class UnlistedSocket {
    private static final int SO_TYPE = 3;
    private static final int SO_PROTOCOL = 38;
    private static final int SO_DOMAIN = 39;
    private static final int AF_UNIX = 1;
    private static final int AF_NETLINK = 16;
    private static final int AF_PACKET = 17;
    private static final int AF_VSOCK = 40;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;

    private UnlistedSocket() {
    }

    /**
     * The table line an unlisted TCP or UDP socket of the process's namespace would have; refuses
     * any other socket.
     *
     * @param sock crak's duplicate of the job's socket
     * @param what "pid P fd F: socket:[INODE]", the start of every refusal
     * @param procNet /proc/PID/net of the job's process, named when a bound socket is missing from it
     */
    static ProcNetSocket describe(int sock, String what, Path procNet) throws NativeException, CrakException {
        int domain = SocketOptions.getInt(sock, SocketOptions.SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");
        int type = SocketOptions.getInt(sock, SocketOptions.SOL_SOCKET, SO_TYPE, "SO_TYPE");
        int protocol = SocketOptions.getInt(sock, SocketOptions.SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL");
        if (domain != InetEndpoint.AF_INET && domain != InetEndpoint.AF_INET6) {
            throw new CrakException(what + " is " + familyName(domain) + " socket, not supported");
        }
        boolean tcp = type == SOCK_STREAM && protocol == IPPROTO_TCP;
        boolean udp = type == SOCK_DGRAM && protocol == IPPROTO_UDP;
        String family = domain == InetEndpoint.AF_INET ? "IPv4" : "IPv6";
        if (!tcp && !udp) {
            throw new CrakException(what + " is " + (type == SOCK_RAW ? "a raw " + family : "an " + family + " "
                    + typeName(type)) + " socket of protocol " + protocol + ", not supported (only TCP and UDP are)");
        }
        if (!inNamespaceOf(sock, procNet)) {
            throw new CrakException(what + " is a TCP/UDP socket of another network namespace than its process's,"
                    + " not supported");
        }
        // unbound (no address), or a TCP socket bound but neither listening nor connected
        InetEndpoint local = InetEndpoint.fromSockaddr(InetSocketCalls.localSockaddr(sock));
        String table = (tcp ? "tcp" : "udp") + (domain == InetEndpoint.AF_INET6 ? "6" : "");
        return new ProcNetSocket(table, local, local, ProcNetSocket.TCP_CLOSE, 0, 0, 0);
    }

    /** Whether the socket was created in the network namespace whose /proc/PID/net is procNet. */
    private static boolean inNamespaceOf(int sock, Path procNet) throws NativeException, CrakException {
        int ns = InetSocketCalls.networkNamespace(sock);
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + ns))
                    .equals(Files.readSymbolicLink(procNet.resolveSibling("ns").resolve("net")));
        } catch (IOException e) {
            throw new CrakException("network namespace of " + procNet.getParent() + ": " + e.getMessage(), e);
        } finally {
            FdCalls.close(ns);
        }
    }

    private static String familyName(int domain) {
        switch (domain) {
            case AF_UNIX:
                return "a unix"; // listed in /proc/PID/net/unix unless made in another network namespace
            case AF_NETLINK:
                return "a netlink";
            case AF_PACKET:
                return "a packet";
            case AF_VSOCK:
                return "a vsock";
            default:
                return "an address family " + domain;
        }
    }

    private static String typeName(int type) {
        switch (type) {
            case SOCK_STREAM:
                return "stream";
            case SOCK_DGRAM:
                return "datagram";
            default:
                return "type " + type;
        }
    }
}
