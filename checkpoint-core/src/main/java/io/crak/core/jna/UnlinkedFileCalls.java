package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * System calls crak makes in its own process for files without a name: O_TMPFILE and memfd
 * creation (fcntl.h, sys/mman.h), seals (fcntl.h), and resolving an inotify watch's file handle
 * (open_by_handle_at, fcntl.h struct file_handle). Descriptors returned are crak's own.
 */
public final class UnlinkedFileCalls {
    private static final LibC C = LibC.INSTANCE;
    private static final long SYS_OPEN = 2;
    private static final long SYS_FCNTL = 72;
    private static final long SYS_OPEN_BY_HANDLE_AT = 304;
    private static final long SYS_MEMFD_CREATE = 319;
    private static final int O_RDWR = 2;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_PATH = 010000000;
    private static final int O_TMPFILE = 020000000 | O_DIRECTORY;
    private static final int O_CLOEXEC = 02000000;
    private static final int F_ADD_SEALS = 1033;
    private static final int F_GET_SEALS = 1034;
    private static final int MFD_CLOEXEC = 1;
    private static final int MFD_ALLOW_SEALING = 2;
    /** struct file_handle header: __u32 handle_bytes; int handle_type. */
    private static final int FILE_HANDLE_HEADER_BYTES = 8;

    private UnlinkedFileCalls() {
    }

    /** open(dir, O_TMPFILE|O_RDWR, mode): an unnamed regular file in that directory's filesystem. */
    public static int openTmpfile(String dir, int mode) throws NativeException {
        try (Memory path = cString(dir)) {
            return (int) call("open(O_TMPFILE) in " + dir, SYS_OPEN, Pointer.nativeValue(path),
                    O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
        }
    }

    /** memfd_create(name, MFD_ALLOW_SEALING): seals are added once the contents are written. */
    public static int memfdCreate(String name) throws NativeException {
        try (Memory n = cString(name)) {
            return (int) call("memfd_create of " + name, SYS_MEMFD_CREATE, Pointer.nativeValue(n),
                    MFD_CLOEXEC | MFD_ALLOW_SEALING, 0);
        }
    }

    public static void addSeals(int fd, int seals) throws NativeException {
        call("fcntl(F_ADD_SEALS) of fd " + fd, SYS_FCNTL, fd, F_ADD_SEALS, seals);
    }

    /** fcntl(F_GET_SEALS) of the memfd that path (a /proc fd or map_files link) opens. */
    public static int seals(String path) throws NativeException {
        int fd;
        try (Memory p = cString(path)) {
            fd = (int) call("open of " + path, SYS_OPEN, Pointer.nativeValue(p), O_CLOEXEC, 0);
        }
        try {
            return (int) call("fcntl(F_GET_SEALS) of " + path, SYS_FCNTL, fd, F_GET_SEALS, 0);
        } finally {
            FdCalls.close(fd);
        }
    }

    /** An O_PATH descriptor of the file a handle names, within the filesystem mounted at mountPoint. */
    public static int openByHandle(String mountPoint, int handleType, byte[] handle) throws NativeException {
        int mountFd;
        try (Memory path = cString(mountPoint)) {
            mountFd = (int) call("open of mount " + mountPoint, SYS_OPEN, Pointer.nativeValue(path),
                    O_DIRECTORY | O_CLOEXEC, 0); // not O_PATH: open_by_handle_at wants a real descriptor
        }
        try (Memory h = new Memory(FILE_HANDLE_HEADER_BYTES + Math.max(1, handle.length))) {
            h.setInt(0, handle.length);
            h.setInt(4, handleType);
            h.write(FILE_HANDLE_HEADER_BYTES, handle, 0, handle.length);
            return (int) call("open_by_handle_at in " + mountPoint, SYS_OPEN_BY_HANDLE_AT, mountFd,
                    Pointer.nativeValue(h), O_PATH | O_CLOEXEC);
        } finally {
            FdCalls.close(mountFd);
        }
    }

    private static long call(String what, long nr, long a1, long a2, long a3) throws NativeException {
        try {
            return C.syscall(nr, a1, a2, a3, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException(what, e.getErrorCode());
        }
    }

    private static Memory cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(b.length + 1L);
        m.write(0, b, 0, b.length);
        m.setByte(b.length, (byte) 0);
        return m;
    }
}
