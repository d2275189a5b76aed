package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.jna.Errno;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import java.time.Duration;

/**
 * A TCP connection over which both ends have closed while the job still holds its socket: the
 * socket is in state CLOSE, like a new one, but reads give what was left in its receive queue and
 * then end of file, and writes EPIPE (a new socket gives ENOTCONN). This is where a socket that
 * shut down for writing ends up once its peer closed too (it skipped TIME_WAIT, which a kernel
 * timewait socket takes over). poll(2) tells the two apart: only a closed connection has its
 * receive side shut down (POLLRDHUP).
 *
 * <p>It is rebuilt the only way the kernel makes one: connected over loopback to a throw-away
 * listener of crak's, sent its queued bytes and a FIN from the accepted end, shut down in turn,
 * and left in CLOSE.
 */
final class ClosedConnection {
    private static final int POLLRDHUP = 0x2000;
    private static final int SOCK_STREAM = 1;
    /** Room beyond the queued bytes in the receive buffer of the rebuilt end while it is refilled. */
    private static final int RECEIVE_HEADROOM_BYTES = 64 * 1024;
    /** How long the loopback handshake, data and FINs may take; they take microseconds. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private ClosedConnection() {
    }

    /** Whether sock (in state CLOSE) is a connection that closed rather than a socket never connected. */
    static boolean isClosed(int sock) throws NativeException {
        return (InetSocketCalls.readyEvents(sock, POLLRDHUP) & POLLRDHUP) != 0;
    }

    static TcpSocketState capture(int sock, ProcNetSocket s, boolean reuse, boolean keepAlive, boolean noDelay,
            boolean v6Only, SocketBuffers buffers) throws NativeException {
        int queued = InetSocketCalls.ioctlInt(sock, TcpRepair.SIOCINQ, "SIOCINQ");
        byte[] data = queued == 0 ? new byte[0]
                : InetSocketCalls.receive(sock, queued, TcpRepair.MSG_PEEK | TcpRepair.MSG_DONTWAIT);
        if (data.length != queued) {
            throw new NativeException("peek of the receive queue (" + data.length + " of " + queued
                    + " bytes) of closed TCP connection fd " + sock, Errno.EIO);
        }
        return new TcpSocketState(TcpSocketState.Role.CLOSED, s.local().ip(), s.local().port(), s.remote().ip(),
                s.remote().port(), reuse, keepAlive, noDelay, 0, 0, new byte[0], 0, data, 0, 0, 0, 0, 0, new byte[0],
                v6Only, false, false, false, buffers);
    }

    /** A socket of the tree's network namespace in state CLOSE with t's unread bytes, then end of file. */
    static int rebuild(RestoreSession session, TcpSocketState t) throws NativeException, CrakException {
        int sock = InetSockets.socket(session, t.local(), SOCK_STREAM, t.v6Only());
        int accepted = -1;
        try {
            byte[] data = t.recvQueue();
            if (data.length > 0) {
                // the queue must fit without the job reading: a buffer of the job's own size is set below
                SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUFFORCE,
                        data.length + RECEIVE_HEADROOM_BYTES, "SO_RCVBUFFORCE");
            }
            accepted = InetSockets.connectThroughLoopback(session, sock, t.local().loopback(0));
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            for (int off = 0; off < data.length;) {
                try {
                    off += InetSocketCalls.sendSome(accepted, data, off, data.length - off, TcpRepair.MSG_DONTWAIT);
                } catch (NativeException e) {
                    if (e.errno() != Errno.EAGAIN || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.onSpinWait();
                }
            }
            InetSocketCalls.shutdownWrite(accepted);
            awaitState(sock, ProcNetSocket.TCP_CLOSE_WAIT, deadline);
            InetSocketCalls.shutdownWrite(sock);
            awaitState(sock, ProcNetSocket.TCP_CLOSE, deadline);
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, TcpRepair.SO_REUSEADDR, t.reuseAddr() ? 1 : 0,
                    "SO_REUSEADDR");
            TcpRepair.setConnectionOptions(sock, t);
            SocketBuffers.applyExactly(sock, t.buffers());
            int built = sock;
            sock = -1;
            return built;
        } finally {
            if (sock >= 0) {
                FdCalls.close(sock);
            }
            if (accepted >= 0) {
                FdCalls.close(accepted);
            }
        }
    }

    private static void awaitState(int sock, int state, long deadline) throws NativeException, CrakException {
        int now;
        while ((now = TcpRepair.state(sock)) != state) {
            if (System.nanoTime() > deadline) {
                throw new CrakException("rebuilding a closed TCP connection: its socket stayed in TCP state " + now
                        + " instead of " + state + " for " + CLOSE_WAIT);
            }
            Thread.onSpinWait();
        }
    }
}
