package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.files.FilesRestorer;
import io.crak.core.jna.Errno;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PidfdCalls;
import io.crak.core.jna.SocketOptions;
import io.crak.core.proc.FdInfo;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * TCP and UDP sockets, IPv4 and IPv6. Crak works on its own duplicate of the job's socket (pidfd_getfd):
 * at dump it reads addresses, options and, for an established connection, the whole connection
 * state in TCP repair mode ({@link TcpRepair}); at restore it builds the socket in its own
 * process and hands it to the restored process (pidfd_getfd from there).
 *
 * <p>An established connection stays in repair mode from the dump until the tree is let go:
 * if the tree is then killed, its sockets close without a FIN or RST and leave no TIME_WAIT
 * behind, so the restore can take the very same addresses. Restored connections stay in repair
 * mode until every process has its descriptors ({@link #finish}), so that no end talks before
 * its peer exists.
 */
public final class InetSockets implements FdKind {
    static final int AF_INET = 2;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    /** A listener's backlog is not visible in /proc; restored listeners get SOMAXCONN. */
    public static final int RESTORED_LISTEN_BACKLOG = 4096;
    private static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    private static final int F_SETFL = 4;
    private static final int SO_LINGER = 13;
    /** struct linger {int l_onoff = 1; int l_linger = 0}: close sends an RST. */
    private static final byte[] LINGER_NOW = {1, 0, 0, 0, 0, 0, 0, 0};

    /** Connections rebuilt in repair mode, per restore, waiting for {@link #finish}. */
    private final Map<RestoreSession, List<Rebuilt>> awaitingRelease = new IdentityHashMap<>();
    /** UDP sockets built for each restore, held by crak until their queues are put back. */
    private final Map<RestoreSession, List<UdpQueue.Restored>> awaitingRefill = new IdentityHashMap<>();

    private record Rebuilt(int sock, TcpSocketState state) {
    }

    @Override
    public String name() {
        return "inet";
    }

    /**
     * Every socket no other kind claimed: those in the TCP and UDP tables, and those the tables do
     * not list ({@link UnlistedSocket}: not bound yet, or refused with what they are).
     */
    @Override
    public boolean handles(String link, Path procNet) {
        return link.startsWith("socket:[");
    }

    private static long inode(String link) {
        return Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        int pid = ctx.pid();
        String where = "pid " + pid + " fd " + fd + ": ";
        Path net = ctx.proc.path(pid, "net");
        Optional<ProcNetSocket> listed = ProcNetSocket.find(net, inode(link));
        int dup;
        try {
            dup = PidfdCalls.duplicate(pid, fd);
        } catch (NativeException e) {
            throw new CrakException(where + e.getMessage(), e);
        }
        boolean keep = false;
        ProcNetSocket s = null;
        try {
            s = listed.isPresent() ? listed.get() : UnlistedSocket.describe(dup, where + link, net);
            boolean reuse = SocketOptions.getInt(dup, SocketOptions.SOL_SOCKET, TcpRepair.SO_REUSEADDR, "SO_REUSEADDR") != 0;
            boolean v6Only = s.ipv6() && SocketOptions.getInt(dup, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY") != 0;
            SocketBuffers buffers = SocketBuffers.read(dup);
            if (!s.tcp()) {
                return new UdpSocketState(s.local().ip(), s.local().port(), s.remote().ip(), s.remote().port(), reuse,
                        v6Only, s.rxQueue() > 0 ? UdpQueue.capture(dup) : List.of(), buffers);
            }
            boolean keepAlive = SocketOptions.getInt(dup, SocketOptions.SOL_SOCKET, TcpRepair.SO_KEEPALIVE, "SO_KEEPALIVE") != 0;
            boolean noDelay = SocketOptions.getInt(dup, TcpRepair.SOL_TCP, TcpRepair.TCP_NODELAY, "TCP_NODELAY") != 0;
            switch (s.state()) {
                case ProcNetSocket.TCP_LISTEN -> {
                    if (s.rxQueue() > 0) {
                        throw new CrakException(where + "TCP listener " + s.local() + " has " + s.rxQueue()
                                + " connection(s) not yet accepted, not supported");
                    }
                    return plain(TcpSocketState.Role.LISTENING, s.local(), s.remote(), reuse, keepAlive, noDelay, v6Only,
                            buffers);
                }
                case ProcNetSocket.TCP_CLOSE -> {
                    if (ClosedConnection.isClosed(dup)) {
                        return ClosedConnection.capture(dup, s, reuse, keepAlive, noDelay, v6Only, buffers);
                    }
                    return plain(TcpSocketState.Role.UNCONNECTED, s.local(), s.remote(), reuse, keepAlive, noDelay, v6Only,
                            buffers);
                }
                case ProcNetSocket.TCP_ESTABLISHED, ProcNetSocket.TCP_FIN_WAIT1, ProcNetSocket.TCP_FIN_WAIT2,
                        ProcNetSocket.TCP_CLOSE_WAIT, ProcNetSocket.TCP_LAST_ACK, ProcNetSocket.TCP_CLOSING -> {
                    if (!peerInJob(ctx, net, s)) {
                        if (peerNotYetAccepted(net, s)) {
                            // a connection within the job: --tcp-close must not reset it
                            throw new CrakException(where + "TCP connection " + s.local() + " -> " + s.remote()
                                    + ": its other end is not yet accepted by the listener on " + s.remote()
                                    + " (connections not yet accepted are not supported)");
                        }
                        if (!ctx.session.dropExternalTcp) {
                            throw new CrakException(where + "TCP connection " + s.local() + " -> " + s.remote()
                                    + (s.state() == ProcNetSocket.TCP_ESTABLISHED ? "" : " (" + s.stateName() + ")")
                                    + " goes to a peer outside the job; dump with --tcp-close to drop it");
                        }
                        return plain(TcpSocketState.Role.RESET, s.local(), s.remote(), reuse, keepAlive, noDelay, v6Only,
                                buffers);
                    }
                    TcpRepair.enter(dup);
                    keep = true;
                    int held = dup;
                    ctx.session.beforeRelease.add(killed -> leaveRepair(held, killed));
                    return TcpRepair.capture(dup, s, reuse, keepAlive, noDelay, v6Only, buffers);
                }
                default -> throw new CrakException(where + "TCP socket " + s.local() + " -> " + s.remote()
                        + " is in state " + s.stateName() + ", not supported");
            }
        } catch (NativeException e) {
            throw new CrakException(where + (s == null ? link : "TCP/UDP socket " + s.local()) + ": " + e.getMessage(), e);
        } finally {
            if (!keep) {
                FdCalls.close(dup);
            }
        }
    }

    /**
     * A tree that goes on gets its connection back out of repair mode (no window probe: nothing
     * changed); a killed tree's socket is left in it, so it closes silently.
     */
    private static void leaveRepair(int dup, boolean treeKilled) {
        if (!treeKilled) {
            try {
                TcpRepair.leave(dup, false);
            } catch (NativeException e) {
                System.err.println("crak: taking a TCP socket out of repair mode failed: " + e.getMessage());
            }
        }
        FdCalls.close(dup);
    }

    private static TcpSocketState plain(TcpSocketState.Role role, InetEndpoint local, InetEndpoint remote,
            boolean reuse, boolean keepAlive, boolean noDelay, boolean v6Only, SocketBuffers buffers) {
        return new TcpSocketState(role, local.ip(), local.port(), remote.ip(), remote.port(), reuse, keepAlive,
                noDelay, 0, 0, new byte[0], 0, new byte[0], 0, 0, 0, 0, 0, new byte[0], v6Only, false, false, false,
                buffers);
    }

    /**
     * Whether the other end of the connection still waits in a listener's accept queue: it is in
     * this namespace, established, and has no file (no process holds it yet).
     */
    private static boolean peerNotYetAccepted(Path net, ProcNetSocket s) throws IOException {
        Optional<ProcNetSocket> peer = ProcNetSocket.peerOf(net, s);
        return peer.isPresent() && peer.get().inode() == 0 && peer.get().state() == ProcNetSocket.TCP_ESTABLISHED;
    }

    /** Whether the other end of the connection is open in a process of the dumped tree. */
    private static boolean peerInJob(DumpContext ctx, Path net, ProcNetSocket s) throws IOException {
        Optional<ProcNetSocket> peer = ProcNetSocket.peerOf(net, s);
        if (peer.isEmpty()) {
            return false;
        }
        String target = "socket:[" + peer.get().inode() + "]";
        for (int pid : ctx.session.treePids) {
            try (Stream<Path> fds = Files.list(ctx.proc.path(pid, "fd"))) {
                for (Path p : fds.toList()) {
                    try {
                        if (Files.readSymbolicLink(p).toString().equals(target)) {
                            return true;
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
        }
        return false;
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        String where = "pid " + ctx.pid() + " fd " + f.fd() + ": ";
        int sock;
        boolean handOnly = true;
        try {
            if (f.state() instanceof UdpSocketState u) {
                sock = udp(ctx.session, u);
            } else if (f.state() instanceof TcpSocketState t) {
                switch (t.role()) {
                    case ESTABLISHED -> {
                        sock = TcpRepair.rebuild(ctx.session, t, SOCK_STREAM);
                        handOnly = false;
                        synchronized (awaitingRelease) {
                            awaitingRelease.computeIfAbsent(ctx.session, k -> new ArrayList<>()).add(new Rebuilt(sock, t));
                        }
                    }
                    case LISTENING -> sock = listener(ctx.session, t);
                    case UNCONNECTED -> sock = unconnected(ctx.session, t);
                    case RESET -> sock = reset(ctx.session, t);
                    case CLOSED -> sock = ClosedConnection.rebuild(ctx.session, t);
                    default -> throw new CrakException(where + "unknown TCP socket role " + t.role());
                }
            } else {
                throw new CrakException(where + "image holds no TCP/UDP socket state for " + f.path());
            }
        } catch (NativeException e) {
            throw new CrakException(where + "rebuilding " + f.path() + ": " + e.getMessage(), e);
        }
        try {
            long fd = FilesRestorer.takeFromCrak(ctx.session, ctx.leader(), sock);
            ctx.leader().check("fcntl(F_SETFL) of socket fd " + fd, Syscalls.FCNTL, fd, F_SETFL, f.flags());
            if (f.state() instanceof UdpSocketState u) {
                synchronized (awaitingRefill) {
                    awaitingRefill.computeIfAbsent(ctx.session, k -> new ArrayList<>())
                            .add(new UdpQueue.Restored(ctx.pid(), f.fd(), sock, u));
                }
                handOnly = false;
            }
            return fd;
        } finally {
            if (handOnly) {
                FdCalls.close(sock);
            }
        }
    }

    private static int udp(RestoreSession session, UdpSocketState u) throws NativeException, CrakException {
        int sock = socket(session, u.local(), SOCK_DGRAM, u.v6Only());
        try {
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, TcpRepair.SO_REUSEADDR, u.reuseAddr() ? 1 : 0, "SO_REUSEADDR");
            if (!u.local().isAny()) {
                InetSocketCalls.bind(sock, u.local().sockaddr(), u.local().toString());
            }
            if (u.remotePort() != 0) {
                InetSocketCalls.connect(sock, u.remote().sockaddr(), u.remote().toString());
            }
            return sock;
        } catch (NativeException e) {
            FdCalls.close(sock);
            throw e;
        }
    }

    /**
     * A socket of the endpoint's family, in the tree's network namespace; IPV6_V6ONLY must be set
     * before it is bound.
     */
    static int socket(RestoreSession session, InetEndpoint local, int type, boolean v6Only)
            throws NativeException, CrakException {
        int sock = session.socket(local.family(), type);
        if (local.ipv6()) {
            try {
                SocketOptions.setInt(sock, IPPROTO_IPV6, IPV6_V6ONLY, v6Only ? 1 : 0, "IPV6_V6ONLY");
            } catch (NativeException e) {
                FdCalls.close(sock);
                throw e;
            }
        }
        return sock;
    }

    /** Binds with SO_REUSEADDR (the port may still be held by connections rebuilt on it), then listens. */
    private static int listener(RestoreSession session, TcpSocketState t) throws NativeException, CrakException {
        int sock = socket(session, t.local(), SOCK_STREAM, t.v6Only());
        try {
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, TcpRepair.SO_REUSEADDR, 1, "SO_REUSEADDR");
            try {
                InetSocketCalls.bind(sock, t.local().sockaddr(), t.local().toString());
            } catch (NativeException e) {
                if (e.errno() != Errno.EADDRINUSE || JobTimeWait.removeOnPort(t.local()) == 0) {
                    throw e;
                }
                InetSocketCalls.bind(sock, t.local().sockaddr(), t.local().toString());
            }
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, TcpRepair.SO_REUSEADDR, t.reuseAddr() ? 1 : 0, "SO_REUSEADDR");
            TcpRepair.setCommonOptions(sock, t);
            InetSocketCalls.listen(sock, RESTORED_LISTEN_BACKLOG);
            return sock;
        } catch (NativeException e) {
            FdCalls.close(sock);
            throw e;
        }
    }

    private static int unconnected(RestoreSession session, TcpSocketState t) throws NativeException, CrakException {
        int sock = socket(session, t.local(), SOCK_STREAM, t.v6Only());
        try {
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, TcpRepair.SO_REUSEADDR, t.reuseAddr() ? 1 : 0, "SO_REUSEADDR");
            TcpRepair.setCommonOptions(sock, t);
            if (!t.local().isAny()) {
                InetSocketCalls.bind(sock, t.local().sockaddr(), t.local().toString());
            }
            return sock;
        } catch (NativeException e) {
            FdCalls.close(sock);
            throw e;
        }
    }

    /**
     * A connection dropped at dump comes back as a socket that was reset by its peer: connected
     * to a throw-away loopback listener (in the tree's network namespace) whose accepted end
     * closes with SO_LINGER 0 (an RST), so the application's next read or write fails with
     * ECONNRESET.
     */
    private static int reset(RestoreSession session, TcpSocketState t) throws NativeException, CrakException {
        int sock = session.socket(AF_INET, SOCK_STREAM);
        boolean built = false;
        try {
            int accepted = connectThroughLoopback(session, sock, new InetEndpoint("127.0.0.1", 0));
            try {
                SocketOptions.setBytes(accepted, SocketOptions.SOL_SOCKET, SO_LINGER, LINGER_NOW, "SO_LINGER");
            } finally {
                FdCalls.close(accepted);
            }
            built = true;
            return sock;
        } finally {
            if (!built) {
                FdCalls.close(sock);
            }
        }
    }

    /**
     * Connects sock to a throw-away listener of crak's on {@code loopback} (port 0: any) in the
     * tree's network namespace, closes that listener and returns the end it accepted: for sockets
     * that come back in a state only a real connection reaches (reset, closed).
     */
    static int connectThroughLoopback(RestoreSession session, int sock, InetEndpoint loopback)
            throws NativeException, CrakException {
        int server = session.socket(loopback.family(), SOCK_STREAM);
        try {
            InetSocketCalls.bind(server, loopback.sockaddr(), loopback.toString());
            InetSocketCalls.listen(server, 1);
            InetEndpoint there = InetEndpoint.fromSockaddr(InetSocketCalls.localSockaddr(server));
            InetSocketCalls.connect(sock, there.sockaddr(), there.toString());
            return InetSocketCalls.accept(server);
        } finally {
            FdCalls.close(server);
        }
    }

    @Override
    public void abandon(RestoreSession session) {
        List<UdpQueue.Restored> udp;
        List<Rebuilt> rebuilt;
        synchronized (awaitingRefill) {
            udp = awaitingRefill.remove(session);
        }
        synchronized (awaitingRelease) {
            rebuilt = awaitingRelease.remove(session);
        }
        if (udp != null) {
            udp.forEach(u -> FdCalls.close(u.sock()));
        }
        if (rebuilt != null) {
            rebuilt.forEach(r -> FdCalls.close(r.sock()));
        }
    }

    /**
     * Every socket of the tree exists now: put the UDP receive queues back, and let every end of
     * every rebuilt connection talk.
     */
    @Override
    public void finish(RestoreSession session) throws CrakException {
        List<UdpQueue.Restored> udp;
        synchronized (awaitingRefill) {
            udp = awaitingRefill.remove(session);
        }
        if (udp != null) {
            try {
                UdpQueue.refill(session, udp);
                // after the refill: a receive buffer the queue only just fit in could drop a datagram
                for (UdpQueue.Restored u : udp) {
                    try {
                        SocketBuffers.apply(u.sock(), u.state().buffers());
                    } catch (NativeException e) {
                        throw new CrakException("pid " + u.pid() + " fd " + u.fd() + ": UDP socket " + u.state().local()
                                + ": buffer sizes: " + e.getMessage(), e);
                    }
                }
            } finally {
                udp.forEach(u -> FdCalls.close(u.sock()));
            }
        }
        List<Rebuilt> rebuilt;
        synchronized (awaitingRelease) {
            rebuilt = awaitingRelease.remove(session);
        }
        if (rebuilt == null) {
            return;
        }
        try {
            // every end out of repair mode before any sends: a segment to an end still in repair
            // mode would wait for a retransmission
            for (Rebuilt r : rebuilt) {
                try {
                    TcpRepair.release(r.sock());
                } catch (NativeException e) {
                    throw new CrakException("TCP connection " + r.state().local() + " -> " + r.state().remote()
                            + ": leaving repair mode: " + e.getMessage(), e);
                }
            }
            for (Rebuilt r : rebuilt) {
                try {
                    TcpRepair.resumeSending(r.sock(), r.state());
                } catch (NativeException e) {
                    throw new CrakException("TCP connection " + r.state().local() + " -> " + r.state().remote()
                            + ": sending what it had not sent: " + e.getMessage(), e);
                }
            }
            for (Rebuilt r : rebuilt) {
                if (r.state().finAcked()) {
                    TcpRepair.awaitFinAcked(r.sock());
                }
            }
        } finally {
            rebuilt.forEach(r -> FdCalls.close(r.sock()));
        }
    }
}
