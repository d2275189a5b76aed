package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Pseudo-terminal calls crak makes from its own process (asm-generic/ioctls.h, termbits.h): a new
 * pty pair, the termios and window size of a terminal, and plain read/write for relaying the
 * master side. Raw system calls through syscall(2).
 */
public final class PtyCalls {
    private static final LibC C = LibC.INSTANCE;
    private static final long SYS_READ = 0;
    private static final long SYS_WRITE = 1;
    private static final long SYS_OPEN = 2;
    private static final long SYS_IOCTL = 16;
    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    public static final long TCGETS = 0x5401;
    public static final long TCSETS = 0x5402;
    public static final long TIOCGWINSZ = 0x5413;
    public static final long TIOCSWINSZ = 0x5414;
    private static final long TIOCGPTN = 0x80045430L;
    private static final long TIOCSPTLCK = 0x40045431L;
    /** struct termios of the kernel (asm-generic/termbits.h): 4 flag words, c_line, c_cc[19]. */
    public static final int TERMIOS_BYTES = 36;
    /** struct winsize: rows, cols, xpixel, ypixel (u16 each). */
    public static final int WINSIZE_BYTES = 8;

    private PtyCalls() {
    }

    private static long sys(String what, long nr, long a1, long a2, long a3) throws NativeException {
        try {
            return C.syscall(nr, a1, a2, a3, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException(what, e.getErrorCode());
        }
    }

    public static int open(String path) throws NativeException {
        try (Memory p = new Memory(path.length() + 1)) {
            p.setString(0, path);
            return (int) sys("open of " + path, SYS_OPEN, Pointer.nativeValue(p), O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
        }
    }

    /** Opens /dev/ptmx, unlocks its slave; returns {master fd, pts number}. */
    public static int[] openMaster() throws NativeException {
        int master = open("/dev/ptmx");
        try (Memory v = new Memory(4)) {
            v.setInt(0, 0);
            sys("TIOCSPTLCK of the new pty master", SYS_IOCTL, master, TIOCSPTLCK, Pointer.nativeValue(v));
            sys("TIOCGPTN of the new pty master", SYS_IOCTL, master, TIOCGPTN, Pointer.nativeValue(v));
            return new int[] {master, v.getInt(0)};
        } catch (NativeException e) {
            FdCalls.close(master);
            throw e;
        }
    }

    /** An ioctl that fills a structure of len bytes (TCGETS, TIOCGWINSZ). */
    public static byte[] get(int fd, long request, int len, String name) throws NativeException {
        try (Memory m = new Memory(len)) {
            m.clear();
            sys(name + " of fd " + fd, SYS_IOCTL, fd, request, Pointer.nativeValue(m));
            return m.getByteArray(0, len);
        }
    }

    /** An ioctl that takes a structure (TCSETS, TIOCSWINSZ). */
    public static void set(int fd, long request, byte[] value, String name) throws NativeException {
        try (Memory m = new Memory(value.length)) {
            m.write(0, value, 0, value.length);
            sys(name + " of fd " + fd, SYS_IOCTL, fd, request, Pointer.nativeValue(m));
        }
    }

    public static boolean isTerminal(int fd) {
        try {
            get(fd, TCGETS, TERMIOS_BYTES, "TCGETS");
            return true;
        } catch (NativeException e) {
            return false;
        }
    }

    /** One read(2) into buf; 0 at end of file. */
    public static int read(int fd, byte[] buf) throws NativeException {
        try (Memory m = new Memory(buf.length)) {
            int n = (int) sys("read of fd " + fd, SYS_READ, fd, Pointer.nativeValue(m), buf.length);
            m.read(0, buf, 0, n);
            return n;
        }
    }

    public static void writeAll(int fd, byte[] buf, int len) throws NativeException {
        try (Memory m = new Memory(Math.max(1, len))) {
            m.write(0, buf, 0, len);
            long done = 0;
            while (done < len) {
                done += sys("write to fd " + fd, SYS_WRITE, fd, Pointer.nativeValue(m) + done, len - done);
            }
        }
    }
}
