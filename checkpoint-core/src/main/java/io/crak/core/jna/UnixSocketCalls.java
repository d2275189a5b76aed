package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AF_UNIX socket calls crak makes in its own process (sys/socket.h, linux/sock_diag.h,
 * linux/unix_diag.h, linux/netlink.h): listing every unix socket of crak's network namespace with
 * its peer through NETLINK_SOCK_DIAG, reading a socket's receive queue without consuming it
 * (MSG_PEEK, walked with SO_PEEK_OFF), and sending queued data back at restore, on pidfd_getfd
 * duplicates of the job's sockets. Errors are {@link NativeException}s naming call and fd.
 */
public final class UnixSocketCalls {
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    /** Largest datagram peeked at once; a longer one is an error (it could not have been sent). */
    public static final int MAX_MESSAGE_BYTES = 4 << 20;
    private static final long SYS_SENDTO = 44;
    private static final long SYS_RECVFROM = 45;
    private static final long SYS_RECVMSG = 47;
    private static final long SYS_SHUTDOWN = 48;
    private static final int MSG_PEEK = 2;
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_CTRUNC = 8;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int SCM_RIGHTS = 1;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_DUMP = 0x300;
    private static final int UDIAG_SHOW_NAME = 1;
    private static final int UDIAG_SHOW_PEER = 4;
    private static final int UDIAG_SHOW_ICONS = 8;
    private static final int UDIAG_SHOW_RQLEN = 0x10;
    private static final int UNIX_DIAG_NAME = 0;
    private static final int UNIX_DIAG_PEER = 2;
    private static final int UNIX_DIAG_ICONS = 3;
    private static final int UNIX_DIAG_RQLEN = 4;
    private static final int UNIX_DIAG_SHUTDOWN = 6;
    private static final int UNIX_DIAG_MSG_BYTES = 16;
    /** struct unix_diag_req */
    private static final int UNIX_DIAG_REQ_BYTES = 24;
    private static final int NETLINK_RECV_BYTES = 64 * 1024;
    private static final int CONTROL_BYTES = 4096;
    private static final int SOCKADDR_UN_BYTES = 110;
    private static final LibC C = LibC.INSTANCE;

    /** The receive queue of a socket: its messages (one chunk for a stream) and their senders. */
    public record Queue(List<byte[]> messages, List<byte[]> senders, boolean descriptorsInFlight) {
    }

    private UnixSocketCalls() {
    }

    /** Every unix socket of crak's network namespace, by inode. */
    public static Map<Long, UnixSocketDiag> diagnoseAll() throws NativeException {
        int nl = SockDiag.open();
        try (Memory req = SockDiag.request(UNIX_DIAG_REQ_BYTES, SOCK_DIAG_BY_FAMILY, SockDiag.NLM_F_REQUEST | NLM_F_DUMP);
                Memory buf = new Memory(NETLINK_RECV_BYTES)) {
            req.setByte(16, (byte) AF_UNIX);
            req.setInt(20, -1); // every state
            req.setInt(28, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN);
            req.setInt(32, -1); // no cookie
            req.setInt(36, -1);
            SockDiag.send(nl, req, "send of a unix sock_diag request");
            Map<Long, UnixSocketDiag> all = new HashMap<>();
            while (true) {
                long n = call("recv of unix sock_diag replies", SYS_RECVFROM, nl, Pointer.nativeValue(buf),
                        NETLINK_RECV_BYTES, 0, 0, 0);
                ByteBuffer b = ByteBuffer.wrap(buf.getByteArray(0, (int) n)).order(ByteOrder.nativeOrder());
                int off = 0;
                while (off + SockDiag.NLMSG_HDR_BYTES <= n) {
                    int len = b.getInt(off);
                    int type = b.getShort(off + 4) & 0xffff;
                    if (type == SockDiag.NLMSG_DONE) {
                        return all;
                    }
                    if (type == SockDiag.NLMSG_ERROR) {
                        throw new NativeException("unix sock_diag dump", -b.getInt(off + SockDiag.NLMSG_HDR_BYTES));
                    }
                    UnixSocketDiag d = parse(b, off + SockDiag.NLMSG_HDR_BYTES, off + len);
                    all.put(d.inode(), d);
                    off += (len + 3) & ~3;
                }
            }
        } finally {
            FdCalls.close(nl);
        }
    }

    private static UnixSocketDiag parse(ByteBuffer b, int start, int end) {
        int type = b.get(start + 1) & 0xff;
        int state = b.get(start + 2) & 0xff;
        long inode = b.getInt(start + 4) & 0xffffffffL;
        byte[] name = new byte[0];
        long peer = 0;
        long rq = 0;
        long wq = 0;
        int shutdown = 0;
        List<Long> icons = new ArrayList<>();
        int off = start + UNIX_DIAG_MSG_BYTES;
        while (off + 4 <= end) {
            int len = b.getShort(off) & 0xffff;
            int at = b.getShort(off + 2) & 0xffff;
            int data = off + 4;
            int dataLen = len - 4;
            switch (at) {
                case UNIX_DIAG_NAME -> {
                    name = new byte[dataLen];
                    b.get(data, name);
                }
                case UNIX_DIAG_PEER -> peer = b.getInt(data) & 0xffffffffL;
                case UNIX_DIAG_ICONS -> {
                    for (int i = 0; i + 4 <= dataLen; i += 4) {
                        icons.add(b.getInt(data + i) & 0xffffffffL);
                    }
                }
                case UNIX_DIAG_RQLEN -> {
                    rq = b.getInt(data) & 0xffffffffL;
                    wq = b.getInt(data + 4) & 0xffffffffL;
                }
                case UNIX_DIAG_SHUTDOWN -> shutdown = b.get(data) & 0xff;
                default -> {
                    // not asked for
                }
            }
            if (len < 4) {
                break;
            }
            off += (len + 3) & ~3;
        }
        return new UnixSocketDiag(inode, type, state, name, peer, List.copyOf(icons), rq, wq, shutdown);
    }

    /**
     * Reads the whole receive queue without consuming it: SO_PEEK_OFF walks MSG_PEEK past what was
     * already seen, and is put back as it was. Descriptors in flight (SCM_RIGHTS) that the peek
     * handed to crak are closed at once and reported.
     */
    public static Queue peekQueue(int fd, int type) throws NativeException {
        return SocketOptions.peekFromQueueStart(fd, () -> peekAll(fd, type));
    }

    private static Queue peekAll(int fd, int type) throws NativeException {
        List<byte[]> messages = new ArrayList<>();
        List<byte[]> senders = new ArrayList<>();
        boolean rights = false;
        try (Memory data = new Memory(MAX_MESSAGE_BYTES); Memory control = new Memory(CONTROL_BYTES);
                Memory name = new Memory(SOCKADDR_UN_BYTES)) {
            Iovec iov = new Iovec();
            while (true) {
                iov.iov_base = Pointer.nativeValue(data);
                iov.iov_len = MAX_MESSAGE_BYTES;
                iov.write();
                MsgHdr m = new MsgHdr();
                m.msg_name = Pointer.nativeValue(name);
                m.msg_namelen = SOCKADDR_UN_BYTES;
                m.msg_iov = Pointer.nativeValue(iov.getPointer());
                m.msg_iovlen = 1;
                m.msg_control = Pointer.nativeValue(control);
                m.msg_controllen = CONTROL_BYTES;
                m.write();
                long n;
                try {
                    n = C.syscall(SYS_RECVMSG, fd, Pointer.nativeValue(m.getPointer()), MSG_PEEK | MSG_DONTWAIT, 0, 0, 0);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Errno.EAGAIN) {
                        break;
                    }
                    throw new NativeException("recvmsg(MSG_PEEK) of fd " + fd, e.getErrorCode());
                }
                m.read();
                if (m.msg_controllen > 0) {
                    rights |= closeReceivedRights(control, m.msg_controllen);
                }
                if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
                    throw new NativeException("recvmsg(MSG_PEEK) of fd " + fd + ": message truncated at "
                            + MAX_MESSAGE_BYTES + " bytes", Errno.EINVAL);
                }
                if (n == 0 && type == SOCK_STREAM) {
                    break; // end of stream: the peer shut down its sending side
                }
                messages.add(data.getByteArray(0, (int) n));
                int nameLen = Math.max(0, m.msg_namelen - 2);
                senders.add(nameLen == 0 ? new byte[0] : name.getByteArray(2, nameLen));
            }
        }
        return new Queue(messages, senders, rights);
    }

    private static boolean closeReceivedRights(Memory control, long len) {
        boolean rights = false;
        long off = 0;
        while (off + 16 <= len) {
            long cmsgLen = control.getLong(off);
            int level = control.getInt(off + 8);
            int type = control.getInt(off + 12);
            if (cmsgLen < 16) {
                break;
            }
            if (level == SocketOptions.SOL_SOCKET && type == SCM_RIGHTS) {
                rights = true;
                for (long i = 16; i + 4 <= cmsgLen; i += 4) {
                    FdCalls.close(control.getInt(off + i));
                }
            }
            off += (cmsgLen + 7) & ~7L;
        }
        return rights;
    }

    /** Sends one message (flags MSG_DONTWAIT: the room was there before the checkpoint). */
    public static void send(int fd, byte[] message, byte[] to) throws NativeException {
        try (Memory m = new Memory(Math.max(1, message.length)); Memory addr = sockaddr(to)) {
            m.write(0, message, 0, message.length);
            long n = call("send of " + message.length + " bytes on fd " + fd, SYS_SENDTO, fd, Pointer.nativeValue(m),
                    message.length, MSG_DONTWAIT, to.length == 0 ? 0 : Pointer.nativeValue(addr),
                    to.length == 0 ? 0 : 2 + to.length);
            if (n != message.length) {
                throw new NativeException("send on fd " + fd + " took " + n + " of " + message.length + " bytes",
                        Errno.EAGAIN);
            }
        }
    }

    /** struct sockaddr_un for a sun_path (abstract names start with a 0 byte). */
    public static Memory sockaddr(byte[] path) {
        Memory a = new Memory(SOCKADDR_UN_BYTES);
        a.clear();
        a.setShort(0, (short) AF_UNIX);
        a.write(2, path, 0, Math.min(path.length, SOCKADDR_UN_BYTES - 2));
        return a;
    }

    public static void shutdown(int fd, int how) throws NativeException {
        call("shutdown(" + how + ") of fd " + fd, SYS_SHUTDOWN, fd, how);
    }


    private static long call(String what, long nr, long... args) throws NativeException {
        return LibC.checkedSyscall(what, nr, args);
    }
}
