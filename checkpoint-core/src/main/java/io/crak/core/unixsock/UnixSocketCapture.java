package io.crak.core.unixsock;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.DumpSession;
import io.crak.core.jna.FdCalls;
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
 * what a restore could not rebuild faithfully: a peer outside the tree, a connection waiting in a
 * listener's backlog that comes from outside the tree or was already sent data (the socket the
 * listener holds for it has no descriptor crak could read that data through), descriptors in
 * flight, datagrams queued from a bound sender outside the tree.
 */
final class UnixSocketCapture {
    static final int TCP_ESTABLISHED = 1;
    static final int TCP_LISTEN = 10;

    /**
     * Per dump: every unix socket of the namespace, which process of the tree holds each socket
     * inode, and, for each client socket whose connection a listener has not accepted yet, that
     * listener and the connection's place in its queue. (sock_diag names a waiting connection by
     * its client's inode: the socket the listener holds for it has none, and the client's peer
     * shows as 0.)
     */
    private record Census(Map<Long, UnixSocketDiag> sockets, Map<Long, Integer> holders, Map<Long, Waiting> waiting) {
    }

    private record Waiting(UnixSocketDiag listener, int position) {
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
            int sndbuf = SocketOptions.getInt(dup, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, "SO_SNDBUF");
            int rcvbuf = SocketOptions.getInt(dup, SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUF, "SO_RCVBUF");
            if (relative(d.name())) {
                throw new CrakException(where + " is bound to the relative path " + show(d.name())
                        + ", not supported (it is rebound before the working directory is restored)");
            }
            if (d.state() == TCP_LISTEN) {
                checkWaiting(census, d, where);
                return new UnixSocketState(inode, d.type(), Role.LISTENING, d.name(), 0, new byte[0], (int) d.backlog(),
                        java.util.List.of(), java.util.List.of(), d.shutdown(), sndbuf, rcvbuf, 0);
            }
            Waiting waiting = census.waiting().get(inode);
            if (waiting != null) {
                // connected, not accepted yet: nothing can have been sent to it, and what it sent
                // waits with a socket of the listener's that no descriptor reads
                UnixSocketDiag listener = waiting.listener();
                if (!census.holders().containsKey(listener.inode())) {
                    throw new CrakException(where + " waits to be accepted by listener socket:[" + listener.inode() + "] "
                            + show(listener.name()) + ", which no process of the tree holds (outside the job), not supported");
                }
                if (d.sendQueueBytes() > 0) {
                    throw new CrakException(where + " waits to be accepted by listener " + show(listener.name())
                            + " and already sent data on the connection, not supported (nothing reads it before accept)");
                }
                byte[] listenerName = listener.name();
                if (listenerName.length == 0 || relative(listenerName)) {
                    throw new CrakException(where + " waits to be accepted by listener socket:[" + listener.inode() + "] "
                            + show(listenerName) + ", not supported (unbound or relative name)");
                }
                return new UnixSocketState(inode, d.type(), Role.PENDING, d.name(), listener.inode(),
                        listenerName, 0, java.util.List.of(), java.util.List.of(), d.shutdown(), sndbuf, rcvbuf,
                        waiting.position());
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
                    q.messages(), role == Role.PAIRED ? java.util.List.of() : q.senders(), d.shutdown(), sndbuf, rcvbuf, 0);
        } catch (NativeException e) {
            throw new CrakException(where + ": " + e.getMessage(), e);
        } finally {
            FdCalls.close(dup);
        }
    }

    /**
     * The connections a listener has not accepted yet can be made again at restore, in order, by
     * their client sockets, if the tree holds each of them and none has sent anything yet.
     */
    private static void checkWaiting(Census census, UnixSocketDiag listener, String where) throws CrakException {
        for (long client : listener.pendingConnections()) {
            String connection = where + " listening on " + show(listener.name()) + " has a connection not yet accepted";
            UnixSocketDiag c = census.sockets().get(client);
            if (client == 0 || c == null) {
                throw new CrakException(connection + " whose client is closed, not supported (what it sent cannot be read "
                        + "before accept)");
            }
            if (!census.holders().containsKey(client)) {
                throw new CrakException(connection + " from socket:[" + client + "], which no process of the tree "
                        + "holds (a client outside the job), not supported");
            }
            if (c.sendQueueBytes() > 0) {
                throw new CrakException(connection + " from socket:[" + client + "], which already sent data on it, not "
                        + "supported (nothing reads it before accept)");
            }
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
        Map<Long, Waiting> waiting = new HashMap<>();
        for (UnixSocketDiag d : sockets.values()) {
            if (d.state() == TCP_LISTEN) {
                for (int i = 0; i < d.pendingConnections().size(); i++) {
                    waiting.put(d.pendingConnections().get(i), new Waiting(d, i));
                }
            }
        }
        c = new Census(sockets, holders, waiting);
        CENSUS.put(ctx.session, c);
        return c;
    }
}
