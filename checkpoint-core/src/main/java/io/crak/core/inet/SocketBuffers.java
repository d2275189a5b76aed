package io.crak.core.inet;

import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;

/**
 * The send and receive buffer sizes a job fixed on a socket with SO_SNDBUF / SO_RCVBUF (socket(7)).
 * Only a size the job set is kept: setting a size locks it (the kernel's sk_userlocks) and stops
 * TCP's autotuning, so a size the kernel chose is left for the restored socket's kernel to choose
 * again. SO_BUF_LOCK (Linux 5.14) tells which sizes are locked.
 *
 * @param sendBytes sk_sndbuf as getsockopt(SO_SNDBUF) reports it (twice what the job asked for),
 *     or 0 when the job never set it
 * @param receiveBytes sk_rcvbuf likewise, or 0
 */
public record SocketBuffers(int sendBytes, int receiveBytes) {
    private static final int SO_BUF_LOCK = 72;
    /** include/net/sock.h: bits of sk_userlocks that SO_BUF_LOCK reports. */
    private static final int SOCK_SNDBUF_LOCK = 1;
    private static final int SOCK_RCVBUF_LOCK = 2;

    /** Neither size set by the job. */
    static final SocketBuffers UNSET = new SocketBuffers(0, 0);

    /** The sizes the job set on {@code sock}. */
    static SocketBuffers read(int sock) throws NativeException {
        int locks = SocketOptions.getInt(sock, SocketOptions.SOL_SOCKET, SO_BUF_LOCK, "SO_BUF_LOCK");
        int send = (locks & SOCK_SNDBUF_LOCK) == 0 ? 0
                : SocketOptions.getInt(sock, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, "SO_SNDBUF");
        int receive = (locks & SOCK_RCVBUF_LOCK) == 0 ? 0
                : SocketOptions.getInt(sock, SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUF, "SO_RCVBUF");
        return new SocketBuffers(send, receive);
    }

    /**
     * Sets on {@code sock} the sizes the job had set, which locks them again. The kernel doubles
     * the value given (room for its bookkeeping), so half the dumped size gives it back exactly;
     * the FORCE options take it even above the sysctl maximum the job's setter may have had.
     * {@code buffers} null (an image written before sizes were kept) sets nothing.
     */
    static void apply(int sock, SocketBuffers buffers) throws NativeException {
        if (buffers == null) {
            return;
        }
        if (buffers.sendBytes > 0) {
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUFFORCE, buffers.sendBytes / 2,
                    "SO_SNDBUFFORCE");
        }
        if (buffers.receiveBytes > 0) {
            SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUFFORCE, buffers.receiveBytes / 2,
                    "SO_RCVBUFFORCE");
        }
    }

    /**
     * Like {@link #apply}, and also unlocks a size the job never set that crak had set meanwhile
     * (SO_BUF_LOCK takes the lock bits as they are to be).
     */
    static void applyExactly(int sock, SocketBuffers buffers) throws NativeException {
        SocketBuffers b = buffers == null ? UNSET : buffers;
        apply(sock, b);
        int locks = (b.sendBytes > 0 ? SOCK_SNDBUF_LOCK : 0) | (b.receiveBytes > 0 ? SOCK_RCVBUF_LOCK : 0);
        SocketOptions.setInt(sock, SocketOptions.SOL_SOCKET, SO_BUF_LOCK, locks, "SO_BUF_LOCK");
    }
}
