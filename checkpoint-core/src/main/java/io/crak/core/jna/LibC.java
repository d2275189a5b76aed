package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc entry points the engine needs (glibc, x86-64). Everything else — reading /proc,
 * process memory through /proc/PID/mem, files — is plain Java I/O.
 */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    /** sys/ptrace.h; pointers are passed as raw addresses. */
    long ptrace(long request, int pid, long addr, long data) throws LastErrorException;

    /** sys/wait.h */
    int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    /** sys/wait.h; infop is a siginfo_t (128 bytes). */
    int waitid(int idtype, int id, com.sun.jna.Pointer infop, int options) throws LastErrorException;

    /** signal.h */
    int kill(int pid, int sig) throws LastErrorException;

    /** unistd.h: raw system call (for those glibc does not wrap: clone3, get_robust_list...). */
    long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) throws LastErrorException;

    /** sys/prctl.h */
    int prctl(int option, long a2, long a3, long a4, long a5) throws LastErrorException;

    /** sys/socket.h (for TCP repair and UDP sockets, see InetSocketCalls); buffers and sockaddrs as Pointers. */
    int socket(int domain, int type, int protocol) throws LastErrorException;

    int setsockopt(int fd, int level, int name, com.sun.jna.Pointer value, int len) throws LastErrorException;

    int getsockopt(int fd, int level, int name, com.sun.jna.Pointer value, IntByReference len) throws LastErrorException;

    int bind(int fd, com.sun.jna.Pointer addr, int len) throws LastErrorException;

    int connect(int fd, com.sun.jna.Pointer addr, int len) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    long recv(int fd, com.sun.jna.Pointer buf, long len, int flags) throws LastErrorException;

    long send(int fd, com.sun.jna.Pointer buf, long len, int flags) throws LastErrorException;

    /** sys/ioctl.h, with an int out-argument (SIOCINQ, SIOCOUTQ...). */
    int ioctl(int fd, long request, IntByReference arg) throws LastErrorException;

    /** unistd.h */
    int close(int fd) throws LastErrorException;

    int getpid();

    /**
     * A raw system call (up to six arguments, missing ones zero) whose failure becomes a
     * {@link NativeException} naming {@code what} and the errno.
     */
    static long checkedSyscall(String what, long nr, long... args) throws NativeException {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        try {
            return INSTANCE.syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        } catch (LastErrorException e) {
            throw new NativeException(what, e.getErrorCode());
        }
    }

    /** errno name (EPERM, ESRCH...) for error messages. */
    static String errnoName(int errno) {
        return Errno.name(errno);
    }
}
