package io.crak.core.unixsock;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.files.FdImage;
import io.crak.core.files.FilesRestorer;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.PidfdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.unixsock.UnixSocketState.Role;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The unix sockets of one restore. A connected pair is created once with socketpair in the first
 * restored process that has one of its ends, both ends kept there as helpers above the image's
 * descriptors; each end is handed over (dup or pidfd_getfd) and its receive queue is refilled
 * from crak by sending through the other end, which is still open as a helper. Listeners and
 * bound sockets are created in their process and bound to their path (a stale socket file of the
 * dumped tree is removed first); datagrams queued to a bound socket are sent to it again from an
 * unbound socket of crak's, or, when their sender was bound, from the restored sender once every
 * process has its descriptors ({@link #finish}); then datagram sockets connect to their named
 * peers, connections a listener had not accepted yet are made again in their order, shutdowns are
 * applied and helpers closed.
 */
final class UnixRebuild {
    private static final int AF_UNIX = 1;
    private static final int O_NONBLOCK = 04000;
    private static final int F_SETFL = 4;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int SHUT_RD = 0;
    private static final int SHUT_WR = 1;
    private static final int RCV_SHUTDOWN = 1;
    private static final int SEND_SHUTDOWN = 2;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Map<RestoreSession, UnixRebuild> ACTIVE = Collections.synchronizedMap(new WeakHashMap<>());

    /** A socketpair made in process {@code pid}, its ends held there, by the dumped inode each stands for. */
    private static final class Pair {
        final int pid;
        final Map<Long, Long> helpers = new LinkedHashMap<>();

        Pair(int pid) {
            this.pid = pid;
        }
    }

    /** A restored socket whose connect/shutdown waits for {@link #finish}. */
    private record Placed(int pid, int fd, UnixSocketState state) {
    }

    private final Map<String, Pair> pairs = new HashMap<>();
    private final List<Placed> placed = new ArrayList<>();

    static UnixRebuild of(RestoreSession session) {
        return ACTIVE.computeIfAbsent(session, s -> new UnixRebuild());
    }

    long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        UnixSocketState s = (UnixSocketState) f.state();
        String where = "pid " + ctx.pid() + " fd " + f.fd() + ": unix socket " + UnixSocketCapture.show(s.name());
        RemoteSyscall r = ctx.leader();
        long fd;
        try {
            fd = switch (s.role()) {
                case PAIRED -> openPaired(ctx, s);
                case LISTENING -> {
                    long sock = newSocket(ctx, s);
                    r.check("listen on " + UnixSocketCapture.show(s.name()), Syscalls.LISTEN, sock, s.backlog());
                    yield sock;
                }
                case PENDING -> newSocket(ctx, s); // connected in finish(), once its listener listens
                case CONNECTED_TO_NAMED, UNCONNECTED -> {
                    long sock = newSocket(ctx, s);
                    if (!QueueRefill.hasNamedSender(s)) {
                        QueueRefill.refillBound(ctx.session, s);
                    } // else in finish(), once every sender is bound again
                    yield sock;
                }
            };
        } catch (NativeException e) {
            throw new CrakException(where + ": " + e.getMessage(), e);
        }
        r.check("fcntl(F_SETFL) of fd " + fd, Syscalls.FCNTL, fd, F_SETFL, f.flags() & O_NONBLOCK);
        placed.add(new Placed(ctx.pid(), f.fd(), s));
        return fd;
    }

    private long openPaired(RestoreContext ctx, UnixSocketState s) throws CrakException, IOException, NativeException {
        String key = s.peer() == 0 ? s.inode() + "-closed"
                : Math.min(s.inode(), s.peer()) + "-" + Math.max(s.inode(), s.peer());
        Pair p = pairs.get(key);
        if (p == null) {
            p = create(ctx, s);
            pairs.put(key, p);
        }
        long mine = p.helpers.get(s.inode());
        long theirs = p.helpers.values().stream().filter(h -> h != mine).findFirst().orElseThrow();
        int creatorHost = ctx.session.hostPid(p.pid);
        int ownDup = PidfdCalls.duplicate(creatorHost, (int) mine);
        int peerDup = PidfdCalls.duplicate(creatorHost, (int) theirs);
        try {
            QueueRefill.setBuffers(ownDup, s);
            QueueRefill.refill(peerDup, s, new byte[0]);
        } finally {
            FdCalls.close(ownDup);
            FdCalls.close(peerDup);
        }
        if (p.pid == ctx.pid()) {
            return ctx.leader().check("fcntl(F_DUPFD_CLOEXEC) of socket helper fd " + mine, Syscalls.FCNTL, mine,
                    F_DUPFD_CLOEXEC, 0);
        }
        return FilesRestorer.takeFrom(ctx.leader(), p.pid, (int) mine);
    }

    private static Pair create(RestoreContext ctx, UnixSocketState s) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        long out = ctx.reserve(8);
        r.check("socketpair(AF_UNIX, " + s.type() + ")", Syscalls.SOCKETPAIR, AF_UNIX, s.type() | FdCalls.SOCK_CLOEXEC, 0, out);
        ByteBuffer b = ByteBuffer.wrap(ctx.memory().read(out, 8)).order(ByteOrder.LITTLE_ENDIAN);
        int[] ends = {b.getInt(), b.getInt()};
        // above every descriptor of this process's image: nothing restored after lands on them
        long base = ctx.image.fds.stream().mapToInt(FdImage::fd).max().orElse(0) + 1L;
        Pair p = new Pair(ctx.pid());
        long[] helpers = new long[2];
        for (int i = 0; i < 2; i++) {
            helpers[i] = r.check("fcntl(F_DUPFD_CLOEXEC) of a socketpair end", Syscalls.FCNTL, ends[i], F_DUPFD_CLOEXEC, base);
            r.call(Syscalls.CLOSE, ends[i]);
        }
        p.helpers.put(s.inode(), helpers[0]);
        // a closed peer's end is never handed over: closing it in finish() gives the end of file
        p.helpers.put(s.peer() == 0 ? -s.inode() : s.peer(), helpers[1]);
        return p;
    }

    private static long newSocket(RestoreContext ctx, UnixSocketState s) throws CrakException, IOException, NativeException {
        RemoteSyscall r = ctx.leader();
        long sock = r.check("socket(AF_UNIX, " + s.type() + ")", Syscalls.SOCKET, AF_UNIX, s.type() | FdCalls.SOCK_CLOEXEC, 0);
        if (s.name().length > 0) {
            removeStaleSocketFile(s.name());
            long addr = ctx.putData(sockaddr(s.name()));
            r.check("bind to " + UnixSocketCapture.show(s.name()), Syscalls.BIND, sock, addr, 2 + s.name().length);
        }
        int dup = PidfdCalls.duplicate(ctx.hostPid(), (int) sock);
        try {
            QueueRefill.setBuffers(dup, s);
        } finally {
            FdCalls.close(dup);
        }
        return sock;
    }


    /** A duplicate, in crak, of the restored socket bound to name (the sender of queued datagrams). */
    private int duplicateBoundTo(RestoreSession session, byte[] name) throws NativeException {
        for (Placed q : placed) {
            if (q.state().role() != Role.LISTENING && java.util.Arrays.equals(q.state().name(), name)) {
                return PidfdCalls.duplicate(session.hostPid(q.pid()), q.fd());
            }
        }
        throw new NativeException("no restored socket is bound to " + UnixSocketCapture.show(name), io.crak.core.jna.Errno.ENOENT);
    }

    /** The dumped tree's socket file is still there (its socket is gone): bind needs the path free. */
    private static void removeStaleSocketFile(byte[] name) throws IOException {
        if (name[0] == 0) {
            return; // abstract: nothing on disk
        }
        Path p = Path.of(UnixSocketCapture.show(name));
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) == S_IFSOCK) {
                Files.delete(p);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing to remove
        }
    }

    private static byte[] sockaddr(byte[] name) {
        byte[] a = new byte[2 + name.length];
        a[0] = AF_UNIX;
        System.arraycopy(name, 0, a, 2, name.length);
        return a;
    }

    /**
     * Each connection a listener had not accepted yet is made again by its client, to the
     * listener's name, in the order of the listener's queue: the job's next accept gets the one it
     * would have got. The listener's process is stopped, so each connect just queues.
     */
    private void connectPending(RestoreSession session) throws CrakException, IOException {
        List<Placed> pending = new ArrayList<>(placed.stream().filter(p -> p.state().role() == Role.PENDING).toList());
        pending.sort(java.util.Comparator.comparingLong((Placed p) -> p.state().peer())
                .thenComparingInt(p -> p.state().queuePosition()));
        for (Placed p : pending) {
            connect(session, p, "listener " + UnixSocketCapture.show(p.state().peerName()) + " (connection "
                    + (p.state().queuePosition() + 1) + " it had not accepted)");
        }
    }

    /** connect of a restored socket, in its process, to the name of its peer ({@code peerName}). */
    private static void connect(RestoreSession session, Placed p, String what) throws CrakException, IOException {
        long addr = session.area.dataStart();
        try (ProcessMemory mem = new ProcessMemory(session.hostPid(p.pid()), true)) {
            mem.write(addr, sockaddr(p.state().peerName()));
        }
        session.remote(p.pid()).check("connect of fd " + p.fd() + " to " + what, Syscalls.CONNECT, p.fd(), addr,
                2 + p.state().peerName().length);
    }

    /** Connects datagram sockets to their named peers, applies shutdowns, closes the helpers. */
    static void finish(RestoreSession session) throws CrakException, IOException {
        UnixRebuild u = ACTIVE.remove(session);
        if (u == null) {
            return;
        }
        for (Placed p : u.placed) {
            if (p.state().role() != Role.PAIRED && QueueRefill.hasNamedSender(p.state())) {
                try {
                    QueueRefill.refillFromSenders(session, p.state(), name -> u.duplicateBoundTo(session, name));
                } catch (NativeException e) {
                    throw new CrakException("pid " + p.pid() + " fd " + p.fd() + ": refilling unix socket "
                            + UnixSocketCapture.show(p.state().name()) + ": " + e.getMessage(), e);
                }
            }
        }
        u.connectPending(session);
        Map<Long, Integer> shutdownOf = new HashMap<>();
        u.placed.forEach(p -> shutdownOf.put(p.state().inode(), p.state().shutdown()));
        for (Placed p : u.placed) {
            RemoteSyscall r = session.remote(p.pid());
            UnixSocketState s = p.state();
            if (s.role() == Role.CONNECTED_TO_NAMED) {
                connect(session, p, UnixSocketCapture.show(s.peerName()));
            }
            if (s.role() == Role.PAIRED && s.peer() == 0) {
                continue; // closing the helper of the closed peer's end shuts it down as before
            }
            if ((s.shutdown() & SEND_SHUTDOWN) != 0) {
                r.check("shutdown(SHUT_WR) of fd " + p.fd(), Syscalls.SHUTDOWN, p.fd(), SHUT_WR);
            }
            boolean byPeer = s.role() == Role.PAIRED
                    && (shutdownOf.getOrDefault(s.peer(), 0) & SEND_SHUTDOWN) != 0;
            if ((s.shutdown() & RCV_SHUTDOWN) != 0 && !byPeer) {
                r.check("shutdown(SHUT_RD) of fd " + p.fd(), Syscalls.SHUTDOWN, p.fd(), SHUT_RD);
            }
        }
        for (Pair p : u.pairs.values()) {
            RemoteSyscall r = session.remote(p.pid);
            for (long h : p.helpers.values()) {
                r.check("close of socket helper fd " + h, Syscalls.CLOSE, h);
            }
        }
    }
}
