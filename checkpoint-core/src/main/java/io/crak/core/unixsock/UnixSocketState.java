package io.crak.core.unixsock;

import io.crak.core.files.FdState;
import java.util.List;

/**
 * One AF_UNIX socket at the freeze.
 *
 * @param inode the socket's inode: a connected pair is rebuilt once, from both ends' records
 * @param type SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 * @param role what it was doing, which says how it is rebuilt
 * @param name the sun_path it was bound to (abstract names start with a 0 byte), empty if none
 * @param peer inode of its peer for {@link Role#PAIRED} (0: the peer was closed); for
 *     {@link Role#PENDING}, the inode of the listener it waits in
 * @param peerName the bound name of the peer a {@link Role#CONNECTED_TO_NAMED} socket sends to, or
 *     of the listener a {@link Role#PENDING} one connects to
 * @param backlog a listener's backlog
 * @param queue its receive queue: the messages (one chunk of bytes for a stream), oldest first
 * @param senders for a socket not {@link Role#PAIRED}: the bound name of each queued datagram's
 *     sender, empty for an unbound sender (one entry per {@code queue} entry); empty otherwise
 * @param shutdown its shutdown mask (1 receive, 2 send)
 * @param sendBufferBytes SO_SNDBUF as getsockopt reports it (twice what was set)
 * @param receiveBufferBytes SO_RCVBUF as getsockopt reports it
 * @param queuePosition for {@link Role#PENDING}: its place in the listener's queue of connections
 *     not yet accepted (0 is accepted first)
 */
public record UnixSocketState(long inode, int type, Role role, byte[] name, long peer, byte[] peerName, int backlog,
        List<byte[]> queue, List<byte[]> senders, int shutdown, int sendBufferBytes, int receiveBufferBytes,
        int queuePosition) implements FdState {

    public enum Role {
        /** Listening on its name for connections. */
        LISTENING,
        /** Connected both ways to a peer of the tree (socketpair, accepted connection), or to a closed one. */
        PAIRED,
        /**
         * A stream or seqpacket socket connected to a listener of the tree that has not accepted
         * it yet: it connects again, in its place in the listener's queue.
         */
        PENDING,
        /** A datagram socket connected one way to a bound datagram socket of the tree. */
        CONNECTED_TO_NAMED,
        /** Not connected; maybe bound to its name, receiving datagrams sent to it. */
        UNCONNECTED
    }
}
