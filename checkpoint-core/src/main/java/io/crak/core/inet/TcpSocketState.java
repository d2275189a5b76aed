package io.crak.core.inet;

import io.crak.core.files.FdState;

/**
 * A TCP socket of the job. For an established connection, what TCP repair mode reads out of the
 * kernel (include/uapi/linux/tcp.h): the sequence numbers at the end of each queue, the queues'
 * bytes, the options negotiated at the handshake, the timestamp clock and the window.
 *
 * @param role what the socket was doing
 * @param v6Only IPV6_V6ONLY of an IPv6 socket (false: it also talks IPv4, as ::ffff:a.b.c.d)
 * @param sendSeq the sequence number after the last byte written (TCP_QUEUE_SEQ of the send queue,
 *     less the FIN's one if it sent one)
 * @param recvSeq the sequence number after the last byte received (TCP_QUEUE_SEQ of the receive
 *     queue, less the FIN's one if it received one)
 * @param sendQueue bytes written and not yet acknowledged by the peer
 * @param sendUnsentBytes how many of the last bytes of sendQueue were never transmitted (SIOCOUTQNSD)
 * @param recvQueue bytes received and not yet read by the application
 * @param mss the maximum segment size (TCP_MAXSEG)
 * @param tcpiOptions TCPI_OPT_* bits of tcp_info: timestamps, SACK, window scaling
 * @param timestamp the connection's timestamp clock (TCP_TIMESTAMP)
 * @param window struct tcp_repair_window (TCP_REPAIR_WINDOW), five u32 (rcv_wup and rcv_wnd as
 *     before a received FIN)
 * @param finSent the socket was shut down for writing (FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK):
 *     rebuilt established, it shuts down again once every connection of the job can talk, which
 *     sends its FIN after whatever it had not sent yet
 * @param finReceived its peer shut down for writing (CLOSE_WAIT, CLOSING, LAST_ACK): the peer,
 *     rebuilt in the same job, sends that FIN again
 * @param finAcked its FIN was acknowledged (FIN_WAIT2): the restore waits for that again, which
 *     the peer may delay by its delayed-ACK timeout
 * @param buffers the buffer sizes the job set (null in images written before they were kept: none)
 */
public record TcpSocketState(Role role, String localIp, int localPort, String remoteIp, int remotePort,
        boolean reuseAddr, boolean keepAlive, boolean noDelay, long sendSeq, long recvSeq, byte[] sendQueue,
        int sendUnsentBytes, byte[] recvQueue, int mss, int tcpiOptions, int sndWscale, int rcvWscale,
        int timestamp, byte[] window, boolean v6Only, boolean finSent, boolean finReceived,
        boolean finAcked, SocketBuffers buffers) implements FdState {

    public enum Role {
        /** created, perhaps bound, never connected */
        UNCONNECTED,
        LISTENING,
        ESTABLISHED,
        /** a connection to a peer outside the job, dropped at dump (--tcp-close): comes back reset */
        RESET,
        /**
         * a connection closed both ways that the job still holds (state CLOSE): comes back with
         * its unread bytes (recvQueue), then end of file ({@link ClosedConnection})
         */
        CLOSED
    }

    InetEndpoint local() {
        return new InetEndpoint(localIp, localPort);
    }

    InetEndpoint remote() {
        return new InetEndpoint(remoteIp, remotePort);
    }
}
