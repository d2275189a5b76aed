package io.crak.core.jna;

import java.util.List;

/**
 * One AF_UNIX socket as NETLINK_SOCK_DIAG reports it (linux/unix_diag.h).
 *
 * @param type SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET
 * @param state TCP_LISTEN (10), TCP_ESTABLISHED (1) or TCP_CLOSE (7), as the kernel reuses them
 * @param name the sun_path bytes it is bound to (abstract names start with a 0 byte), empty if unbound
 * @param peer inode of the socket it is connected to, 0 if none (or the peer is closed)
 * @param pendingConnections inodes of connections a listener has not accepted yet
 * @param receiveQueue bytes queued to be read (stream, seqpacket) or length of the first datagram
 * @param backlog a listener's backlog (its receive-queue limit); for other sockets see
 *     {@link #sendQueueBytes}
 * @param shutdown the socket's shutdown mask (1 receive, 2 send)
 */
public record UnixSocketDiag(long inode, int type, int state, byte[] name, long peer, List<Long> pendingConnections,
        long receiveQueue, long backlog, int shutdown) {

    /**
     * For a socket that is not listening, the send buffer it has in use (udiag_wqueue, which the
     * kernel reports in the field a listener uses for its backlog): data it sent that its peer
     * has not read yet, counted with the kernel's overhead.
     */
    public long sendQueueBytes() {
        return backlog;
    }
}
