package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * Opening and closing descriptors in crak's own process (fcntl.h, unistd.h), whatever they are:
 * files and pipes reopened through /proc/PID/fd/N, namespace files, sockets, pidfds, userfaultfds.
 * Every descriptor crak opens is close-on-exec, so no process it starts inherits one.
 */
public final class FdCalls {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    /** socket(2), socketpair(2) and accept4(2) take O_CLOEXEC's bit as SOCK_CLOEXEC. */
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    private static final long SYS_OPEN = 2;
    private static final long SYS_CLOSE = 3;
    private static final LibC C = LibC.INSTANCE;

    private FdCalls() {
    }

    /** open(path, flags | O_CLOEXEC), e.g. of /proc/PID/fd/N. */
    public static int open(String path, int flags) throws NativeException {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        try (Memory m = new Memory(b.length + 1L)) {
            m.write(0, b, 0, b.length);
            m.setByte(b.length, (byte) 0);
            return (int) LibC.checkedSyscall("open of " + path, SYS_OPEN, Pointer.nativeValue(m), flags | O_CLOEXEC, 0);
        }
    }

    /** Closes one of crak's own descriptors; a failure (EBADF, EINTR) leaves nothing to do: it is gone. */
    public static void close(int fd) {
        try {
            C.syscall(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
        } catch (LastErrorException e) {
            // the descriptor is released either way
        }
    }
}
