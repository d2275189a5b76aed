package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;

/**
 * The socket calls crak makes from its own process on TCP/UDP sockets (sys/socket.h, ioctl SIOCINQ
 * and friends of linux/sockios.h): on a pidfd_getfd duplicate of a job's socket at dump, and on
 * sockets it builds for the job at restore before handing them over. Socket addresses are passed
 * as raw sockaddr bytes. Errors are {@link NativeException}s naming the call and the fd.
 */
public final class InetSocketCalls {
    private static final LibC C = LibC.INSTANCE;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_GETFD = 438;

    private InetSocketCalls() {
    }

    /** A duplicate, in this process, of descriptor fd of process pid (same open file description). */
    public static int duplicate(int pid, int fd) throws NativeException {
        int pidfd;
        try {
            pidfd = (int) C.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException("pidfd_open of pid " + pid, e.getErrorCode());
        }
        try {
            return (int) C.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException("pidfd_getfd of pid " + pid + " fd " + fd, e.getErrorCode());
        } finally {
            close(pidfd);
        }
    }

    public static int socket(int domain, int type) throws NativeException {
        try {
            return C.socket(domain, type, 0);
        } catch (LastErrorException e) {
            throw new NativeException("socket(" + domain + ", " + type + ")", e.getErrorCode());
        }
    }

    public static void setInt(int fd, int level, int option, int value, String name) throws NativeException {
        try (Memory m = new Memory(4)) {
            m.setInt(0, value);
            C.setsockopt(fd, level, option, m, 4);
        } catch (LastErrorException e) {
            throw new NativeException("setsockopt " + name + " of fd " + fd, e.getErrorCode());
        }
    }

    public static void setBytes(int fd, int level, int option, byte[] value, String name) throws NativeException {
        try (Memory m = new Memory(Math.max(1, value.length))) {
            m.write(0, value, 0, value.length);
            C.setsockopt(fd, level, option, m, value.length);
        } catch (LastErrorException e) {
            throw new NativeException("setsockopt " + name + " of fd " + fd, e.getErrorCode());
        }
    }

    public static int getInt(int fd, int level, int option, String name) throws NativeException {
        byte[] b = getBytes(fd, level, option, 4, name);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    /** The option's value, as many bytes as the kernel filled in (at most maxLen). */
    public static byte[] getBytes(int fd, int level, int option, int maxLen, String name) throws NativeException {
        try (Memory m = new Memory(maxLen)) {
            m.clear();
            IntByReference len = new IntByReference(maxLen);
            C.getsockopt(fd, level, option, m, len);
            return m.getByteArray(0, len.getValue());
        } catch (LastErrorException e) {
            throw new NativeException("getsockopt " + name + " of fd " + fd, e.getErrorCode());
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

    /** Closes fd; a failure to close our own descriptor is not worth an error. */
    public static void close(int fd) {
        try {
            C.close(fd);
        } catch (LastErrorException e) {
            // EBADF/EINTR on close: the descriptor is gone either way
        }
    }

    private static Memory sockaddr(byte[] b) {
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        return m;
    }
}
