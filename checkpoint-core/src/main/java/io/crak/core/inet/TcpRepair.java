package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.jna.Errno;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * Reads an established TCP connection out of the kernel and builds it again, with TCP repair mode
 * (the CRIU way, include/uapi/linux/tcp.h): in repair mode a socket sends nothing on the wire,
 * its queues can be peeked and filled, its sequence numbers set, and connect() makes it
 * established at once. Both work on a socket open in crak's own process.
 */
final class TcpRepair {
    static final int SO_REUSEADDR = 2;
    static final int SO_KEEPALIVE = 9;
    static final int SOL_TCP = 6;
    static final int TCP_NODELAY = 1;
    private static final int TCP_MAXSEG = 2;
    private static final int TCP_INFO = 11;
    private static final int TCP_REPAIR = 19;
    private static final int TCP_REPAIR_QUEUE = 20;
    private static final int TCP_QUEUE_SEQ = 21;
    private static final int TCP_REPAIR_OPTIONS = 22;
    private static final int TCP_TIMESTAMP = 24;
    private static final int TCP_REPAIR_WINDOW = 29;
    private static final int TCP_REPAIR_ON = 1;
    /** Leave repair mode without the window probe: used when the dumped job simply goes on. */
    static final int TCP_REPAIR_OFF_NO_WP = -1;
    private static final int TCP_REPAIR_OFF = 0;
    private static final int TCP_RECV_QUEUE = 1;
    private static final int TCP_SEND_QUEUE = 2;
    static final long SIOCINQ = 0x541B;
    private static final long SIOCOUTQ = 0x5411;
    private static final long SIOCOUTQNSD = 0x894B;
    static final int MSG_PEEK = 2;
    static final int MSG_DONTWAIT = 0x40;
    private static final int TCP_INFO_BYTES = 256;
    private static final int TCP_REPAIR_WINDOW_BYTES = 20;
    /**
     * How long a restore waits for the acknowledgement of a FIN that had been acknowledged at the
     * dump: a peer that just got a FIN delays its ACK (pingpong mode), 40 ms or more.
     */
    static final Duration FIN_ACK_WAIT = Duration.ofMillis(500);
    /** Offsets of rcv_wnd and rcv_wup in struct tcp_repair_window. */
    private static final int WINDOW_RCV_WND = 12;
    private static final int WINDOW_RCV_WUP = 16;
    private static final int TCPI_OPT_TIMESTAMPS = 1;
    private static final int TCPI_OPT_SACK = 2;
    private static final int TCPI_OPT_WSCALE = 4;
    private static final int TCPOPT_MSS = 2;
    private static final int TCPOPT_WINDOW = 3;
    private static final int TCPOPT_SACK_PERM = 4;
    private static final int TCPOPT_TIMESTAMP = 8;
    /** First size tried when refilling a queue; halved while the kernel refuses it (ENOMEM). */
    private static final int QUEUE_CHUNK_BYTES = 256 * 1024;
    private static final int QUEUE_CHUNK_MIN_BYTES = 1024;

    private TcpRepair() {
    }

    static void enter(int sock) throws NativeException {
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR, TCP_REPAIR_ON, "TCP_REPAIR on");
    }

    /** Leaves repair mode; with a window probe after a restore, without one when nothing changed. */
    static void leave(int sock, boolean probe) throws NativeException {
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR, probe ? TCP_REPAIR_OFF : TCP_REPAIR_OFF_NO_WP,
                "TCP_REPAIR off");
    }

    /** It has sent its FIN (shutdown for writing, or closing): write_seq counts it. */
    private static boolean finSent(int state) {
        return state == ProcNetSocket.TCP_FIN_WAIT1 || state == ProcNetSocket.TCP_FIN_WAIT2
                || state == ProcNetSocket.TCP_CLOSING || state == ProcNetSocket.TCP_LAST_ACK;
    }

    /** It has received its peer's FIN: rcv_nxt counts it. */
    private static boolean finReceived(int state) {
        return state == ProcNetSocket.TCP_CLOSE_WAIT || state == ProcNetSocket.TCP_CLOSING
                || state == ProcNetSocket.TCP_LAST_ACK;
    }

    /**
     * Captures the connection of sock, which must already be in repair mode. A FIN, sent or
     * received, is taken out of the sequence numbers and queue lengths (it carries no data): the
     * image holds the connection as it was before, and says which FINs are to be sent again.
     */
    static TcpSocketState capture(int sock, ProcNetSocket s, boolean reuse, boolean keepAlive, boolean noDelay,
            boolean v6Only, SocketBuffers buffers) throws NativeException {
        boolean finSent = finSent(s.state());
        boolean finReceived = finReceived(s.state());
        int fin = finSent ? 1 : 0;
        // an unacknowledged FIN counts in SIOCOUTQ, an unsent one in SIOCOUTQNSD too; SIOCINQ leaves it out
        int outq = Math.max(0, InetSocketCalls.ioctlInt(sock, SIOCOUTQ, "SIOCOUTQ") - fin);
        int unsent = Math.max(0, InetSocketCalls.ioctlInt(sock, SIOCOUTQNSD, "SIOCOUTQNSD") - fin);
        int inq = InetSocketCalls.ioctlInt(sock, SIOCINQ, "SIOCINQ");
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
        long recvSeq = (SocketOptions.getInt(sock, SOL_TCP, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ") - (finReceived ? 1 : 0))
                & 0xffffffffL;
        byte[] recvQueue = peek(sock, inq, "receive");
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
        long sendSeq = (SocketOptions.getInt(sock, SOL_TCP, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ") - fin) & 0xffffffffL;
        byte[] sendQueue = peek(sock, outq, "send");
        byte[] info = SocketOptions.getBytes(sock, SOL_TCP, TCP_INFO, TCP_INFO_BYTES, "TCP_INFO");
        int options = info[5] & 0xff;
        int wscales = info[6] & 0xff;
        int mss = SocketOptions.getInt(sock, SOL_TCP, TCP_MAXSEG, "TCP_MAXSEG");
        int timestamp = SocketOptions.getInt(sock, SOL_TCP, TCP_TIMESTAMP, "TCP_TIMESTAMP");
        byte[] window = SocketOptions.getBytes(sock, SOL_TCP, TCP_REPAIR_WINDOW, TCP_REPAIR_WINDOW_BYTES,
                "TCP_REPAIR_WINDOW");
        if (finReceived) {
            // the window as before the FIN: the kernel refuses a rcv_wup after rcv_nxt
            ByteBuffer w = ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN);
            w.putInt(WINDOW_RCV_WUP, w.getInt(WINDOW_RCV_WUP) - 1);
            w.putInt(WINDOW_RCV_WND, w.getInt(WINDOW_RCV_WND) + 1);
        }
        return new TcpSocketState(TcpSocketState.Role.ESTABLISHED, s.local().ip(), s.local().port(), s.remote().ip(),
                s.remote().port(), reuse, keepAlive, noDelay, sendSeq, recvSeq, sendQueue, unsent, recvQueue, mss,
                options, wscales & 0xf, wscales >> 4, timestamp, window, v6Only, finSent, finReceived,
                s.state() == ProcNetSocket.TCP_FIN_WAIT2, buffers);
    }

    private static byte[] peek(int sock, int len, String which) throws NativeException {
        byte[] b = InetSocketCalls.receive(sock, len, MSG_PEEK | MSG_DONTWAIT);
        if (b.length != len) {
            throw new NativeException("peek of the " + which + " queue (" + b.length + " of " + len + " bytes) of fd "
                    + sock, Errno.EIO);
        }
        return b;
    }

    /**
     * Builds the connection again on a new socket: established, queues filled, still in repair
     * mode (it must not talk before its peer exists too). Returns the socket.
     */
    static int rebuild(RestoreSession session, TcpSocketState st, int socketType) throws NativeException, CrakException {
        int sock = InetSockets.socket(session, st.local(), socketType, st.v6Only());
        try {
            // before repair mode, which upgrades it to a forced reuse that ignores the port's other owners
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            enter(sock);
            SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
            SocketOptions.setInt(sock, SOL_TCP, TCP_QUEUE_SEQ, (int) (st.recvSeq() - st.recvQueue().length),
                    "TCP_QUEUE_SEQ");
            SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
            SocketOptions.setInt(sock, SOL_TCP, TCP_QUEUE_SEQ, (int) (st.sendSeq() - st.sendQueue().length),
                    "TCP_QUEUE_SEQ");
            InetSocketCalls.bind(sock, st.local().sockaddr(), st.local().toString());
            InetSocketCalls.connect(sock, st.remote().sockaddr(), st.remote().toString());
            SocketOptions.setBytes(sock, SOL_TCP, TCP_REPAIR_OPTIONS, repairOptions(st), "TCP_REPAIR_OPTIONS");
            if ((st.tcpiOptions() & TCPI_OPT_TIMESTAMPS) != 0) {
                SocketOptions.setInt(sock, SOL_TCP, TCP_TIMESTAMP, st.timestamp(), "TCP_TIMESTAMP");
            }
            SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
            fill(sock, st.recvQueue(), st.recvQueue().length);
            SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
            fill(sock, st.sendQueue(), st.sendQueue().length - st.sendUnsentBytes());
            SocketOptions.setBytes(sock, SOL_TCP, TCP_REPAIR_WINDOW, st.window(), "TCP_REPAIR_WINDOW");
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SO_REUSEADDR, st.reuseAddr() ? 1 : 0, "SO_REUSEADDR");
            setConnectionOptions(sock, st);
            return sock;
        } catch (NativeException e) {
            FdCalls.close(sock);
            throw e;
        }
    }

    /** Lets a rebuilt connection talk again (a window probe tells its peer where it stands). */
    static void release(int sock) throws NativeException {
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, 0, "TCP_REPAIR_QUEUE");
        leave(sock, true);
    }

    /**
     * Once its peer talks too: sends what had never been transmitted, then, if it had shut down
     * for writing, its FIN again.
     */
    static void resumeSending(int sock, TcpSocketState st) throws NativeException {
        byte[] q = st.sendQueue();
        int unsent = st.sendUnsentBytes();
        int off = q.length - unsent;
        while (off < q.length) {
            off += InetSocketCalls.sendSome(sock, q, off, q.length - off, MSG_DONTWAIT);
        }
        if (st.finSent()) {
            InetSocketCalls.shutdownWrite(sock);
        }
        SocketBuffers.apply(sock, st.buffers());
    }

    /**
     * Waits (at most {@link #FIN_ACK_WAIT}) until the FIN just sent again is acknowledged, so the
     * job finds the connection in FIN_WAIT2 as it left it; later is harmless, the ACK still comes.
     */
    static void awaitFinAcked(int sock) {
        long deadline = System.nanoTime() + FIN_ACK_WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline && state(sock) != ProcNetSocket.TCP_FIN_WAIT2) {
                Thread.sleep(1);
            }
        } catch (NativeException e) {
            // the connection is gone: nothing to wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The TCP state of sock (tcpi_state of TCP_INFO: ProcNetSocket.TCP_*). */
    static int state(int sock) throws NativeException {
        return SocketOptions.getBytes(sock, SOL_TCP, TCP_INFO, TCP_INFO_BYTES, "TCP_INFO")[0];
    }

    /** Options of a listening or unconnected socket, before it listens (accepted sockets inherit them). */
    static void setCommonOptions(int sock, TcpSocketState st) throws NativeException {
        setConnectionOptions(sock, st);
        SocketBuffers.apply(sock, st.buffers());
    }

    /**
     * Options of a rebuilt connection. Its buffer sizes wait until it has sent what it had not
     * sent ({@link #resumeSending}): set in repair mode, a send buffer the data only just fit in
     * at the dump could refuse part of it again.
     */
    static void setConnectionOptions(int sock, TcpSocketState st) throws NativeException {
        SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SO_KEEPALIVE, st.keepAlive() ? 1 : 0, "SO_KEEPALIVE");
        SocketOptions.setInt(sock, SOL_TCP, TCP_NODELAY, st.noDelay() ? 1 : 0, "TCP_NODELAY");
    }

    /** Writes the first len bytes of data into the queue chosen by TCP_REPAIR_QUEUE. */
    private static void fill(int sock, byte[] data, int len) throws NativeException {
        int chunk = QUEUE_CHUNK_BYTES;
        int off = 0;
        while (off < len) {
            try {
                off += InetSocketCalls.sendSome(sock, data, off, Math.min(chunk, len - off), 0);
            } catch (NativeException e) {
                if (e.errno() != Errno.ENOMEM || chunk <= QUEUE_CHUNK_MIN_BYTES) {
                    throw e;
                }
                chunk /= 2;
            }
        }
    }

    /** struct tcp_repair_opt[] { u32 opt_code; u32 opt_val; } for TCP_REPAIR_OPTIONS. */
    private static byte[] repairOptions(TcpSocketState st) {
        ByteBuffer b = ByteBuffer.allocate(4 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(TCPOPT_MSS).putInt(st.mss());
        if ((st.tcpiOptions() & TCPI_OPT_WSCALE) != 0) {
            b.putInt(TCPOPT_WINDOW).putInt(st.sndWscale() | st.rcvWscale() << 16);
        }
        if ((st.tcpiOptions() & TCPI_OPT_SACK) != 0) {
            b.putInt(TCPOPT_SACK_PERM).putInt(0);
        }
        if ((st.tcpiOptions() & TCPI_OPT_TIMESTAMPS) != 0) {
            b.putInt(TCPOPT_TIMESTAMP).putInt(0);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
