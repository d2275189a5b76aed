package io.crak.core.unixsock;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.DumpSession;
import io.crak.core.jna.PidfdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import io.crak.core.jna.UnixSocketCalls;
import io.crak.core.jna.UnixSocketDiag;
import io.crak.core.unixsock.UnixSocketState.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Stream;

/**
 * Captures a unix socket at dump: what sock_diag says of it and its peer, and its receive queue
 * read without consuming it from crak's pidfd_getfd duplicate. Refuses, with pid, fd and reason,
 * what a restore could not rebuild faithfully: a peer outside the tree, connections waiting in a
 * listener's backlog, descriptors in flight, datagrams queued from a bound sender outside the tree.
 */
final class UnixSocketCapture {
    static final int TCP_ESTABLISHED = 1;
    static final int TCP_LISTEN = 10;

    /** Per dump: every unix socket of the namespace, and which process of the tree holds each socket inode. */
    private record Census(Map<Long, UnixSocketDiag> sockets, Map<Long, Integer> holders) {
    }

    private static final Map<DumpSession, Census> CENSUS = Collections.synchronizedMap(new WeakHashMap<>());

    private UnixSocketCapture() {
    }

    static UnixSocketState capture(DumpContext ctx, int fd, long inode) throws CrakException, IOException {
        String where = "pid " + ctx.pid() + " fd " + fd + ": unix socket socket:[" + inode + "]";
        Census census = census(ctx);
        UnixSocketDiag d = census.sockets().get(inode);
        if (d == null) {
            throw new CrakException(where + " is not in the tree's network namespace, not supported");
        }
        int dup;
        try {
            dup = PidfdCalls.duplicate(ctx.pid(), fd);
        } catch (NativeException e) {
            throw new CrakException(where + ": " + e.getMessage(), e);
        }
        try {
            int sndbuf = SocketOptions.getInt(dup, SocketOptions.SOL_SOCKET, UnixSocketCalls.SO_SNDBUF, "SO_SNDBUF");
            int rcvbuf = SocketOptions.getInt(dup, SocketOptions.SOL_SOCKET, UnixSocketCalls.SO_RCVBUF, "SO_RCVBUF");
            if (relative(d.name())) {
                throw new CrakException(where + " is bound to the relative path " + show(d.name())
                        + ", not supported (it is rebound before the working directory is restored)");
            }
            if (d.state() == TCP_LISTEN) {
                if (!d.pendingConnections().isEmpty()) {
                    throw new CrakException(where + " listening on " + show(d.name()) + " has "
                            + d.pendingConnections().size() + " connection(s) not yet accepted, not supported");
                }
                return new UnixSocketState(inode, d.type(), Role.LISTENING, d.name(), 0, new byte[0], (int) d.backlog(),
                        java.util.List.of(), java.util.List.of(), d.shutdown(), sndbuf, rcvbuf);
            }
            UnixSocketCalls.Queue q = UnixSocketCalls.peekQueue(dup, d.type());
            if (q.descriptorsInFlight()) {
                throw new CrakException(where + " has file descriptors in flight (SCM_RIGHTS) in its queue, not supported");
            }
            Role role;
            byte[] peerName = new byte[0];
            if (d.peer() != 0) {
                UnixSocketDiag peer = census.sockets().get(d.peer());
                if (!census.holders().containsKey(d.peer())) {
                    throw new CrakException(where + " is connected to socket:[" + d.peer() + "]"
                            + (peer == null ? "" : " " + show(peer.name())) + ", which no process of the tree holds"
                            + " (a peer outside the job), not supported");
                }
                boolean mutual = peer != null && peer.peer() == inode;
                if (mutual || d.type() != UnixSocketCalls.SOCK_DGRAM) {
                    role = Role.PAIRED;
                } else {
                    role = Role.CONNECTED_TO_NAMED;
                    peerName = peer == null ? new byte[0] : peer.name();
                    if (peerName.length == 0 || relative(peerName)) {
                        throw new CrakException(where + " is connected one way to socket:[" + d.peer() + "] "
                                + show(peerName) + ", not supported (unbound or relative name)");
                    }
                }
            } else if (d.state() == TCP_ESTABLISHED && d.type() != UnixSocketCalls.SOCK_DGRAM) {
                role = Role.PAIRED; // its peer was closed: what it still holds is read, then end of file
            } else {
                role = Role.UNCONNECTED;
            }
            if (role != Role.PAIRED) {
                for (byte[] sender : q.senders()) {
                    if (sender.length > 0 && !namedInTree(census, sender)) {
                        throw new CrakException(where + " has a datagram queued from " + show(sender)
                                + ", a socket no process of the tree holds, not supported");
                    }
                }
                if (!q.messages().isEmpty() && d.name().length == 0) {
                    throw new CrakException(where + " is unbound yet has queued datagrams, not supported");
                }
            }
            return new UnixSocketState(inode, d.type(), role, d.name(), role == Role.PAIRED ? d.peer() : 0, peerName, 0,
                    q.messages(), role == Role.PAIRED ? java.util.List.of() : q.senders(), d.shutdown(), sndbuf, rcvbuf);
        } catch (NativeException e) {
            throw new CrakException(where + ": " + e.getMessage(), e);
        } finally {
            UnixSocketCalls.close(dup);
        }
    }

    /** Whether a socket bound to this name is held by a process of the tree (it sends again at restore). */
    private static boolean namedInTree(Census census, byte[] name) {
        return census.sockets().values().stream()
                .anyMatch(d -> java.util.Arrays.equals(d.name(), name) && census.holders().containsKey(d.inode()));
    }

    private static boolean relative(byte[] name) {
        return name.length > 0 && name[0] != 0 && name[0] != '/';
    }

    /** A name for messages: the path, "@name" for an abstract one, "(unbound)" for none. */
    static String show(byte[] name) {
        if (name.length == 0) {
            return "(unbound)";
        }
        if (name[0] == 0) {
            return "@" + new String(name, 1, name.length - 1, StandardCharsets.UTF_8);
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new String(name, 0, len, StandardCharsets.UTF_8);
    }

    private static Census census(DumpContext ctx) throws CrakException, IOException {
        Census c = CENSUS.get(ctx.session);
        if (c != null) {
            return c;
        }
        Map<Long, UnixSocketDiag> sockets;
        try {
            // sock_diag lists the namespace its netlink socket was made in: the job's own, if it has one
            sockets = ctx.session.netNamespace == null ? UnixSocketCalls.diagnoseAll()
                    : ctx.session.netNamespace.call(UnixSocketCalls::diagnoseAll);
        } catch (NativeException e) {
            throw new CrakException("pid " + ctx.pid() + ": listing unix sockets through sock_diag: " + e.getMessage(), e);
        }
        Map<Long, Integer> holders = new HashMap<>();
        for (int pid : ctx.session.treePids) {
            try (Stream<Path> fds = Files.list(ctx.proc.path(pid, "fd"))) {
                for (Path p : fds.toList()) {
                    try {
                        String link = Files.readSymbolicLink(p).toString();
                        if (link.startsWith("socket:[")) {
                            holders.putIfAbsent(UnixSockets.inode(link), pid);
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            } catch (IOException e) {
                // a zombie of the tree has no descriptors
            }
        }
        c = new Census(sockets, holders);
        CENSUS.put(ctx.session, c);
        return c;
    }
}
