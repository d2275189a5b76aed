package io.crak.core.inet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of /proc/PID/net/{tcp,udp,tcp6,udp6} (net/ipv4/tcp_ipv4.c get_tcp4_sock): the
 * socket's addresses, state and queue sizes, found by its inode.
 *
 * @param table which file it was found in ("tcp", "udp", "tcp6", "udp6")
 * @param state the TCP state number (include/net/tcp_states.h); for UDP 1 means connected
 * @param txQueue for TCP: bytes not yet acknowledged
 * @param rxQueue for TCP: bytes not yet read, or on a listener the connections not yet accepted
 */
public record ProcNetSocket(String table, InetEndpoint local, InetEndpoint remote, int state, long inode,
        long txQueue, long rxQueue) {
    public static final List<String> TABLES = List.of("tcp", "udp", "tcp6", "udp6");
    static final int TCP_ESTABLISHED = 1;
    static final int TCP_FIN_WAIT1 = 4;
    static final int TCP_FIN_WAIT2 = 5;
    static final int TCP_CLOSE_WAIT = 8;
    static final int TCP_LAST_ACK = 9;
    static final int TCP_CLOSING = 11;
    static final int TCP_TIME_WAIT = 6;
    static final int TCP_CLOSE = 7;
    static final int TCP_LISTEN = 10;
    private static final String[] STATE_NAMES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
        "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    boolean ipv6() {
        return table.endsWith("6");
    }

    boolean tcp() {
        return table.startsWith("tcp");
    }

    String stateName() {
        return state > 0 && state < STATE_NAMES.length ? STATE_NAMES[state] : "state " + state;
    }

    /** Finds the socket with this inode in the tables of netDir (/proc/PID/net or /proc/self/net). */
    public static Optional<ProcNetSocket> find(Path netDir, long inode) throws IOException {
        for (String table : TABLES) {
            for (ProcNetSocket s : read(netDir, table)) {
                if (s.inode == inode) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    /** The sockets of the TCP tables of netDir that have local port {@code port} and this state. */
    static List<ProcNetSocket> onPort(Path netDir, int port, int state) throws IOException {
        List<ProcNetSocket> found = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            for (ProcNetSocket s : read(netDir, table)) {
                if (s.local.port() == port && s.state == state) {
                    found.add(s);
                }
            }
        }
        return found;
    }

    /** The socket of the other end of a TCP connection, when it is in the same namespace. */
    static Optional<ProcNetSocket> peerOf(Path netDir, ProcNetSocket s) throws IOException {
        for (ProcNetSocket p : read(netDir, s.table)) {
            if (p.local.equals(s.remote) && p.remote.equals(s.local) && p.state != TCP_LISTEN) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Every socket of one table of netDir; none when the kernel has no such table (no IPv6). */
    private static List<ProcNetSocket> read(Path netDir, String table) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(netDir.resolve(table));
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<ProcNetSocket> sockets = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length > 9) {
                sockets.add(parse(table, f));
            }
        }
        return sockets;
    }

    private static ProcNetSocket parse(String table, String[] f) {
        InetEndpoint local = InetEndpoint.fromProcHex(f[1]);
        InetEndpoint remote = InetEndpoint.fromProcHex(f[2]);
        String[] q = f[4].split(":");
        return new ProcNetSocket(table, local, remote, Integer.parseInt(f[3], 16), Long.parseLong(f[9]),
                Long.parseLong(q[0], 16), Long.parseLong(q[1], 16));
    }
}
