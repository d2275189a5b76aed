package io.crak.core.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Pipe and FIFO calls crak makes in its own process (fcntl.h F_GETPIPE_SZ/F_SETPIPE_SZ, tee(2),
 * pipe2(2), FIONREAD of sys/ioctl.h): reading a pipe's buffered bytes without consuming them,
 * and refilling a restored one through a descriptor crak opened on it. Descriptors returned are
 * crak's own and close-on-exec.
 */
public final class PipeCalls {
    private static final int O_NONBLOCK = FdCalls.O_NONBLOCK;
    private static final int O_CLOEXEC = FdCalls.O_CLOEXEC;
    private static final long SYS_READ = 0;
    private static final long SYS_WRITE = 1;
    private static final long SYS_IOCTL = 16;
    private static final long SYS_FCNTL = 72;
    private static final long SYS_TEE = 276;
    private static final long SYS_PIPE2 = 293;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;
    private static final int FIONREAD = 0x541B;
    private static final int SPLICE_F_NONBLOCK = 2;

    private PipeCalls() {
    }

    public static int capacity(int fd) throws NativeException {
        return (int) call("fcntl(F_GETPIPE_SZ) of fd " + fd, SYS_FCNTL, fd, F_GETPIPE_SZ, 0);
    }

    public static void setCapacity(int fd, int bytes) throws NativeException {
        call("fcntl(F_SETPIPE_SZ, " + bytes + ") of fd " + fd, SYS_FCNTL, fd, F_SETPIPE_SZ, bytes);
    }

    /** Bytes buffered in the pipe (FIONREAD). */
    public static int available(int fd) throws NativeException {
        try (Memory m = new Memory(4)) {
            m.setInt(0, 0);
            call("ioctl(FIONREAD) of fd " + fd, SYS_IOCTL, fd, FIONREAD, Pointer.nativeValue(m));
            return m.getInt(0);
        }
    }

    /**
     * The bytes buffered in the pipe that {@code readFd} (a descriptor with read access) is open
     * on, left in place: tee(2) duplicates them into a pipe of crak's own as large, read from there.
     */
    public static byte[] peek(int readFd) throws NativeException {
        int buffered = available(readFd);
        if (buffered == 0) {
            return new byte[0];
        }
        int[] own = pipe();
        try {
            setCapacity(own[1], capacity(readFd));
            long copied = call("tee of fd " + readFd, SYS_TEE, readFd, own[1], buffered, SPLICE_F_NONBLOCK);
            if (copied != buffered) {
                throw new NativeException("tee of fd " + readFd + " copied " + copied + " of " + buffered
                        + " buffered bytes", Errno.EIO);
            }
            byte[] out = new byte[buffered];
            try (Memory m = new Memory(buffered)) {
                int got = 0;
                while (got < buffered) {
                    long n = call("read of crak's pipe", SYS_READ, own[0], Pointer.nativeValue(m) + got, buffered - got);
                    if (n == 0) {
                        throw new NativeException("read of crak's pipe ended after " + got + " bytes", Errno.EIO);
                    }
                    got += (int) n;
                }
                m.read(0, out, 0, buffered);
            }
            return out;
        } finally {
            FdCalls.close(own[0]);
            FdCalls.close(own[1]);
        }
    }

    /** Writes all of data to fd (a pipe with room for it: a short write is an error). */
    public static void writeAll(int fd, byte[] data) throws NativeException {
        if (data.length == 0) {
            return;
        }
        try (Memory m = new Memory(data.length)) {
            m.write(0, data, 0, data.length);
            int done = 0;
            while (done < data.length) {
                done += (int) call("write of " + (data.length - done) + " bytes to fd " + fd, SYS_WRITE, fd,
                        Pointer.nativeValue(m) + done, data.length - done);
            }
        }
    }

    private static int[] pipe() throws NativeException {
        try (Memory m = new Memory(8)) {
            call("pipe2", SYS_PIPE2, Pointer.nativeValue(m), O_CLOEXEC | O_NONBLOCK, 0);
            return new int[] {m.getInt(0), m.getInt(4)};
        }
    }

    private static long call(String what, long nr, long... args) throws NativeException {
        return LibC.checkedSyscall(what, nr, args);
    }
}
