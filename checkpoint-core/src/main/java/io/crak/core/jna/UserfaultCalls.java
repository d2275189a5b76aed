package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * userfaultfd calls crak makes in its own process on a userfaultfd another process created
 * (linux/userfaultfd.h: UFFDIO_API, UFFDIO_REGISTER, UFFDIO_UNREGISTER, UFFDIO_COPY), and the
 * mmap(2)/munmap(2) of the file it copies from; {@link PidfdCalls} takes the descriptor over.
 * A userfaultfd acts on the memory of the process that created it, whoever holds it; UFFDIO_COPY
 * reads its source from the caller's memory.
 */
public final class UserfaultCalls {
    /** userfaultfd(2) flag: handle faults of user mode only; allowed without privilege. */
    public static final int UFFD_USER_MODE_ONLY = 1;
    static final long UFFD_API = 0xAA;
    static final long UFFDIO_API = 0xc018aa3fL;
    static final long UFFDIO_REGISTER = 0xc020aa00L;
    static final long UFFDIO_UNREGISTER = 0x8010aa01L;
    static final long UFFDIO_COPY = 0xc028aa03L;
    static final long UFFDIO_REGISTER_MODE_MISSING = 1;
    private static final long SYS_MMAP = 9;
    private static final long SYS_MUNMAP = 11;
    private static final long SYS_IOCTL = 16;
    private static final int PROT_READ = 1;
    private static final int MAP_SHARED = 1;
    private static final LibC C = LibC.INSTANCE;

    private UserfaultCalls() {
    }

    /** The UFFDIO_API handshake, without optional features (plain MISSING registration and COPY). */
    public static void handshake(int uffd) throws NativeException {
        UffdioApi a = new UffdioApi();
        a.api = UFFD_API;
        ioctl("ioctl(UFFDIO_API) of userfaultfd " + uffd, uffd, UFFDIO_API, a);
    }

    /** Registers [start, start+len) for missing-page handling, which UFFDIO_COPY needs. */
    public static void register(int uffd, long start, long len) throws NativeException {
        UffdioRegister reg = new UffdioRegister();
        reg.rangeStart = start;
        reg.rangeLen = len;
        reg.mode = UFFDIO_REGISTER_MODE_MISSING;
        ioctl("ioctl(UFFDIO_REGISTER) of 0x" + Long.toHexString(start) + "+" + len, uffd, UFFDIO_REGISTER, reg);
    }

    public static void unregister(int uffd, long start, long len) throws NativeException {
        UffdioRange range = new UffdioRange();
        range.start = start;
        range.len = len;
        ioctl("ioctl(UFFDIO_UNREGISTER) of 0x" + Long.toHexString(start) + "+" + len, uffd, UFFDIO_UNREGISTER, range);
    }

    /**
     * Allocates the missing pages [dst, dst+len) of the userfaultfd's process and fills them from
     * crak's memory at src, all of it: a copy the kernel cut short (EAGAIN while the address space
     * changes) goes on where it stopped.
     */
    public static void copy(int uffd, long dst, long src, long len) throws NativeException {
        UffdioCopy c = new UffdioCopy();
        long done = 0;
        while (done < len) {
            c.dst = dst + done;
            c.src = src + done;
            c.len = len - done;
            c.mode = 0;
            c.copy = 0;
            try {
                ioctl("ioctl(UFFDIO_COPY) to 0x" + Long.toHexString(c.dst) + "+" + c.len, uffd, UFFDIO_COPY, c);
                done += c.len;
            } catch (NativeException e) {
                if (e.errno() != Errno.EAGAIN) {
                    throw e;
                }
                done += Math.max(0, c.copy);
            }
        }
    }

    /** A read-only shared mapping of len bytes of fd at offset (page-aligned) in crak's own memory; its address. */
    public static long mapReadOnly(int fd, long offset, long len, String what) throws NativeException {
        return call("mmap of " + len + " bytes of " + what + " at " + offset, SYS_MMAP, 0, len, PROT_READ, MAP_SHARED, fd,
                offset);
    }

    public static void unmap(long addr, long len) {
        try {
            C.syscall(SYS_MUNMAP, addr, len, 0, 0, 0, 0);
        } catch (LastErrorException e) {
            // nothing to do about a failed unmap of our own mapping
        }
    }

    private static void ioctl(String what, int fd, long request, Structure arg) throws NativeException {
        arg.write();
        try {
            call(what, SYS_IOCTL, fd, request, Pointer.nativeValue(arg.getPointer()));
        } finally {
            arg.read();
        }
    }

    private static long call(String what, long nr, long... args) throws NativeException {
        return LibC.checkedSyscall(what, nr, args);
    }
}
