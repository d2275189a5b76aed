package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;

/**
 * getsockopt/setsockopt on any socket crak holds (sys/socket.h), and the MSG_PEEK walk of a
 * receive queue from its start (SO_PEEK_OFF, socket(7)) that unix and UDP sockets share. Errors
 * are {@link NativeException}s naming the option and the fd.
 */
public final class SocketOptions {
    private static final LibC C = LibC.INSTANCE;
    public static final int SOL_SOCKET = 1;
    public static final int SO_PEEK_OFF = 42;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    /** Like SO_SNDBUF/SO_RCVBUF but beyond net.core.wmem_max/rmem_max (CAP_NET_ADMIN). */
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;

    /** A walk of a receive queue with MSG_PEEK, each peek starting where the last one ended. */
    @FunctionalInterface
    public interface PeekWalk<T> {
        T walk() throws NativeException;
    }

    private SocketOptions() {
    }

    /**
     * Runs {@code walk} with the socket's peek offset at 0, so successive MSG_PEEKs step through
     * the queue instead of reading its head again, and puts the offset back as the job had it
     * (nothing is consumed: a job that goes on finds its queue untouched).
     */
    public static <T> T peekFromQueueStart(int fd, PeekWalk<T> walk) throws NativeException {
        int peekOff = getInt(fd, SOL_SOCKET, SO_PEEK_OFF, "SO_PEEK_OFF");
        setInt(fd, SOL_SOCKET, SO_PEEK_OFF, 0, "SO_PEEK_OFF");
        try {
            return walk.walk();
        } finally {
            setInt(fd, SOL_SOCKET, SO_PEEK_OFF, peekOff, "SO_PEEK_OFF");
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
}
