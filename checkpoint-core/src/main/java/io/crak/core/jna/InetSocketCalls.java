package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The socket calls crak makes from its own process on TCP/UDP sockets (sys/socket.h, ioctl SIOCINQ
 * and friends of linux/sockios.h): on a pidfd_getfd duplicate of a job's socket at dump, and on
 * sockets it builds for the job at restore before handing them over. Socket addresses are passed
 * as raw sockaddr bytes. Errors are {@link NativeException}s naming the call and the fd.
 */
public final class InetSocketCalls {
    private static final LibC C = LibC.INSTANCE;
    private static final long SYS_ACCEPT4 = 288;
    private static final long SYS_GETSOCKNAME = 51;
    private static final long SYS_SENDTO = 44;
    private static final long SYS_RECVFROM = 45;
    private static final long SYS_SHUTDOWN = 48;
    private static final long SYS_IOCTL = 16;
    private static final long SYS_POLL = 7;
    /** linux/sockios.h: a new descriptor of the network namespace the socket was created in. */
    private static final long SIOCGSKNS = 0x894C;
    private static final int SHUT_WR = 1;
    private static final int MSG_PEEK = 2;
    private static final int MSG_DONTWAIT = 0x40;
    /** Larger than any UDP payload (65507 bytes over IPv4, 65527 over IPv6 without jumbograms). */
    private static final int MAX_DATAGRAM_BYTES = 65536;
    private static final int SOCKADDR_STORAGE_BYTES = 128;
    /** A bound on the walk through a receive queue (a default one holds a few hundred datagrams). */
    private static final int MAX_QUEUED_DATAGRAMS = 1 << 20;

    /** A datagram and the raw sockaddr it came from. */
    public record Datagram(byte[] data, byte[] source) {
    }

    private InetSocketCalls() {
    }

    /** socket(domain, type | SOCK_CLOEXEC, 0): a descriptor of crak's that no child inherits. */
    public static int socket(int domain, int type) throws NativeException {
        try {
            return C.socket(domain, type | FdCalls.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new NativeException("socket(" + domain + ", " + type + ")", e.getErrorCode());
        }
    }

    public static void bind(int fd, byte[] sockaddr, String where) throws NativeException {
        try (Memory m = sockaddr(sockaddr)) {
            C.bind(fd, m, sockaddr.length);
        } catch (LastErrorException e) {
            throw new NativeException("bind of fd " + fd + " to " + where, e.getErrorCode());
        }
    }

    public static void connect(int fd, byte[] sockaddr, String where) throws NativeException {
        try (Memory m = sockaddr(sockaddr)) {
            C.connect(fd, m, sockaddr.length);
        } catch (LastErrorException e) {
            throw new NativeException("connect of fd " + fd + " to " + where, e.getErrorCode());
        }
    }

    public static void listen(int fd, int backlog) throws NativeException {
        try {
            C.listen(fd, backlog);
        } catch (LastErrorException e) {
            throw new NativeException("listen of fd " + fd, e.getErrorCode());
        }
    }

    /** recv with the given flags (MSG_PEEK...) of up to len bytes; returns what came. */
    public static byte[] receive(int fd, int len, int flags) throws NativeException {
        if (len == 0) {
            return new byte[0];
        }
        try (Memory m = new Memory(len)) {
            long n = C.recv(fd, m, len, flags);
            return m.getByteArray(0, (int) n);
        } catch (LastErrorException e) {
            throw new NativeException("recv of " + len + " bytes from fd " + fd, e.getErrorCode());
        }
    }

    /** accept4 of one pending connection (close-on-exec); blocks until there is one. */
    public static int accept(int fd) throws NativeException {
        return (int) LibC.checkedSyscall("accept4 on fd " + fd, SYS_ACCEPT4, fd, 0, 0, FdCalls.SOCK_CLOEXEC);
    }

    /**
     * poll(2) of one descriptor without waiting: the events of {@code events} (poll.h POLL*) that
     * are ready now, with POLLHUP and POLLERR, which are always reported.
     */
    public static int readyEvents(int fd, int events) throws NativeException {
        try (Memory pollfd = new Memory(8)) { // struct pollfd {int fd; short events; short revents;}
            pollfd.setInt(0, fd);
            pollfd.setShort(4, (short) events);
            pollfd.setShort(6, (short) 0);
            LibC.checkedSyscall("poll of fd " + fd, SYS_POLL, Pointer.nativeValue(pollfd), 1, 0);
            return pollfd.getShort(6) & 0xffff;
        }
    }

    /** A descriptor (close-on-exec) of the network namespace fd's socket belongs to (SIOCGSKNS). */
    public static int networkNamespace(int fd) throws NativeException {
        return (int) LibC.checkedSyscall("ioctl(SIOCGSKNS) of fd " + fd, SYS_IOCTL, fd, SIOCGSKNS);
    }

    /** getsockname: the raw sockaddr the socket is bound to. */
    public static byte[] localSockaddr(int fd) throws NativeException {
        try (Memory addr = new Memory(SOCKADDR_STORAGE_BYTES); Memory len = new Memory(Integer.BYTES)) {
            len.setInt(0, SOCKADDR_STORAGE_BYTES);
            LibC.checkedSyscall("getsockname of fd " + fd, SYS_GETSOCKNAME, fd, Pointer.nativeValue(addr),
                    Pointer.nativeValue(len));
            return addr.getByteArray(0, len.getInt(0));
        }
    }

    /**
     * Every datagram queued on a UDP socket, in order, left in place: SO_PEEK_OFF walks MSG_PEEK
     * past the ones already seen, and is put back as it was.
     */
    public static List<Datagram> peekDatagrams(int fd) throws NativeException {
        return SocketOptions.peekFromQueueStart(fd, () -> {
            List<Datagram> out = new ArrayList<>();
            try (Memory data = new Memory(MAX_DATAGRAM_BYTES); Memory addr = new Memory(SOCKADDR_STORAGE_BYTES);
                    Memory addrLen = new Memory(Integer.BYTES)) {
                while (out.size() < MAX_QUEUED_DATAGRAMS) {
                    addrLen.setInt(0, SOCKADDR_STORAGE_BYTES);
                    long n;
                    try {
                        n = C.syscall(SYS_RECVFROM, fd, Pointer.nativeValue(data), MAX_DATAGRAM_BYTES,
                                MSG_PEEK | MSG_DONTWAIT, Pointer.nativeValue(addr), Pointer.nativeValue(addrLen));
                    } catch (LastErrorException e) {
                        if (e.getErrorCode() == Errno.EAGAIN) {
                            break;
                        }
                        throw new NativeException("recvfrom(MSG_PEEK) of datagram " + out.size() + " queued on fd "
                                + fd, e.getErrorCode());
                    }
                    out.add(new Datagram(data.getByteArray(0, (int) n), addr.getByteArray(0, addrLen.getInt(0))));
                }
            }
            return out;
        });
    }

    /** shutdown(SHUT_WR): the socket sends its FIN after what it still has to send. */
    public static void shutdownWrite(int fd) throws NativeException {
        LibC.checkedSyscall("shutdown(SHUT_WR) of fd " + fd, SYS_SHUTDOWN, fd, SHUT_WR);
    }

    /** One datagram to the given sockaddr; all of it or an error. */
    public static void sendTo(int fd, byte[] data, byte[] sockaddr, String where) throws NativeException {
        try (Memory m = new Memory(Math.max(1, data.length)); Memory to = sockaddr(sockaddr)) {
            m.write(0, data, 0, data.length);
            long n = LibC.checkedSyscall("sendto of a " + data.length + "-byte datagram to " + where + " from fd " + fd,
                    SYS_SENDTO, fd, Pointer.nativeValue(m), data.length, 0, Pointer.nativeValue(to), sockaddr.length);
            if (n != data.length) {
                throw new NativeException("sendto of a " + data.length + "-byte datagram to " + where + " sent " + n,
                        Errno.EIO);
            }
        }
    }

    /** send of all of data, in as many calls as the kernel takes. */
    public static void sendAll(int fd, byte[] data, int flags) throws NativeException {
        if (data.length == 0) {
            return;
        }
        try (Memory m = new Memory(data.length)) {
            m.write(0, data, 0, data.length);
            long done = 0;
            while (done < data.length) {
                try {
                    done += C.send(fd, m.share(done), data.length - done, flags);
                } catch (LastErrorException e) {
                    throw new NativeException("send of " + (data.length - done) + " bytes to fd " + fd, e.getErrorCode());
                }
            }
        }
    }

    /** One send of data[off, off+len) with the given flags; returns how much the kernel took. */
    public static int sendSome(int fd, byte[] data, int off, int len, int flags) throws NativeException {
        try (Memory m = new Memory(Math.max(1, len))) {
            m.write(0, data, off, len);
            return (int) C.send(fd, m, len, flags);
        } catch (LastErrorException e) {
            throw new NativeException("send of " + len + " bytes to fd " + fd, e.getErrorCode());
        }
    }

    public static int ioctlInt(int fd, long request, String name) throws NativeException {
        IntByReference v = new IntByReference();
        try {
            C.ioctl(fd, request, v);
            return v.getValue();
        } catch (LastErrorException e) {
            throw new NativeException("ioctl " + name + " of fd " + fd, e.getErrorCode());
        }
    }

    private static Memory sockaddr(byte[] b) {
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        return m;
    }
}
