package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.jna.Errno;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads an established TCP connection out of the kernel and builds it again, with TCP repair mode
 * (the CRIU way, include/uapi/linux/tcp.h): in repair mode a socket sends nothing on the wire,
 * its queues can be peeked and filled, its sequence numbers set, and connect() makes it
 * established at once. Both work on a socket open in crak's own process.
 */
final class TcpRepair {
    static final int SOL_SOCKET = 1;
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
    private static final long SIOCINQ = 0x541B;
    private static final long SIOCOUTQ = 0x5411;
    private static final long SIOCOUTQNSD = 0x894B;
    private static final int MSG_PEEK = 2;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int TCP_INFO_BYTES = 256;
    private static final int TCP_REPAIR_WINDOW_BYTES = 20;
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

    /** Captures the connection of sock, which must already be in repair mode. */
    static TcpSocketState capture(int sock, ProcNetSocket s, boolean reuse, boolean keepAlive, boolean noDelay,
            boolean v6Only) throws NativeException {
        int outq = InetSocketCalls.ioctlInt(sock, SIOCOUTQ, "SIOCOUTQ");
        int unsent = InetSocketCalls.ioctlInt(sock, SIOCOUTQNSD, "SIOCOUTQNSD");
        int inq = InetSocketCalls.ioctlInt(sock, SIOCINQ, "SIOCINQ");
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE, "TCP_REPAIR_QUEUE");
        long recvSeq = SocketOptions.getInt(sock, SOL_TCP, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ") & 0xffffffffL;
        byte[] recvQueue = peek(sock, inq, "receive");
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE, "TCP_REPAIR_QUEUE");
        long sendSeq = SocketOptions.getInt(sock, SOL_TCP, TCP_QUEUE_SEQ, "TCP_QUEUE_SEQ") & 0xffffffffL;
        byte[] sendQueue = peek(sock, outq, "send");
        byte[] info = SocketOptions.getBytes(sock, SOL_TCP, TCP_INFO, TCP_INFO_BYTES, "TCP_INFO");
        int options = info[5] & 0xff;
        int wscales = info[6] & 0xff;
        int mss = SocketOptions.getInt(sock, SOL_TCP, TCP_MAXSEG, "TCP_MAXSEG");
        int timestamp = SocketOptions.getInt(sock, SOL_TCP, TCP_TIMESTAMP, "TCP_TIMESTAMP");
        byte[] window = SocketOptions.getBytes(sock, SOL_TCP, TCP_REPAIR_WINDOW, TCP_REPAIR_WINDOW_BYTES,
                "TCP_REPAIR_WINDOW");
        return new TcpSocketState(TcpSocketState.Role.ESTABLISHED, s.local().ip(), s.local().port(), s.remote().ip(),
                s.remote().port(), reuse, keepAlive, noDelay, sendSeq, recvSeq, sendQueue, unsent, recvQueue, mss,
                options, wscales & 0xf, wscales >> 4, timestamp, window, v6Only);
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
            SocketOptions.setInt(sock, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
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
            SocketOptions.setInt(sock, SOL_SOCKET, SO_REUSEADDR, st.reuseAddr() ? 1 : 0, "SO_REUSEADDR");
            setCommonOptions(sock, st);
            return sock;
        } catch (NativeException e) {
            InetSocketCalls.close(sock);
            throw e;
        }
    }

    /** Lets a rebuilt connection talk again and sends what had never been transmitted. */
    static void release(int sock, TcpSocketState st) throws NativeException {
        SocketOptions.setInt(sock, SOL_TCP, TCP_REPAIR_QUEUE, 0, "TCP_REPAIR_QUEUE");
        leave(sock, true);
        byte[] q = st.sendQueue();
        int unsent = st.sendUnsentBytes();
        int off = q.length - unsent;
        while (off < q.length) {
            off += InetSocketCalls.sendSome(sock, q, off, q.length - off, MSG_DONTWAIT);
        }
    }

    static void setCommonOptions(int sock, TcpSocketState st) throws NativeException {
        SocketOptions.setInt(sock, SOL_SOCKET, SO_KEEPALIVE, st.keepAlive() ? 1 : 0, "SO_KEEPALIVE");
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
