package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * The ioctl ABI of Crak's kernel module, {@code /dev/crak} (C header:
 * {@code kmod/include/uapi/linux/crak.h}, described in {@code kmod/Documentation/crak.rst}),
 * with the libc calls needed to drive it. One open file descriptor is one freeze session.
 */
public interface CrakKmod extends Library {
    CrakKmod INSTANCE = Native.load("c", CrakKmod.class);

    /** fcntl.h */
    int O_RDWR = 0x2;
    int O_CLOEXEC = 0x80000;

    /** crak_freeze.scope */
    int SCOPE_PGRP = 1;
    int SCOPE_SESSION = 2;
    int SCOPE_PIDS = 3;
    int SCOPE_TREE = 4;

    /** crak_freeze.out_flags: more processes were frozen than out_pids_cap could list. */
    int OUT_PIDS_TRUNCATED = 1;

    long TIMEOUT_MIN_NS = 1_000_000L;
    long TIMEOUT_MAX_NS = 600_000_000_000L;
    int MAX_PIDS = 65536;

    int IOC_MAGIC = 0xCB;
    long IOC_FREEZE = IoctlNumber.readWrite(IOC_MAGIC, 1, new CrakKmodFreeze().size());
    long IOC_THAW = IoctlNumber.readWrite(IOC_MAGIC, 2, new CrakKmodThaw().size());
    long IOC_STATUS = IoctlNumber.readWrite(IOC_MAGIC, 3, new CrakKmodStatus().size());

    /** errno values the module documents beyond those in {@link Errno}. */
    int ENOTTY = 25;
    int EDEADLK = 35;
    int EOPNOTSUPP = 95;
    int ETIMEDOUT = 110;
    int ESTALE = 116;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** sys/ioctl.h; JNA writes {@code arg} before the call and reads it back after. */
    int ioctl(int fd, long request, Structure arg) throws LastErrorException;

    /** Like {@link Errno#name(int)}, also naming the module's ESTALE and ENOTTY. */
    static String errnoName(int errno) {
        switch (errno) {
            case ENOTTY:
                return "ENOTTY";
            case ESTALE:
                return "ESTALE";
            default:
                return Errno.name(errno);
        }
    }

    /** asm-generic/ioctl.h: the _IOWR() encoding of direction, size, type and number. */
    final class IoctlNumber {
        private static final int NR_SHIFT = 0;
        private static final int TYPE_SHIFT = 8;
        private static final int SIZE_SHIFT = 16;
        private static final int DIR_SHIFT = 30;
        private static final int SIZE_BITS = 14;
        private static final long DIR_READ_WRITE = 3L;

        private IoctlNumber() {
        }

        public static long readWrite(int type, int nr, int size) {
            if (size <= 0 || size >= (1 << SIZE_BITS)) {
                throw new IllegalArgumentException("ioctl argument size " + size + " does not fit _IOC_SIZEBITS");
            }
            return (DIR_READ_WRITE << DIR_SHIFT) | ((long) size << SIZE_SHIFT) | ((long) type << TYPE_SHIFT)
                    | ((long) nr << NR_SHIFT);
        }
    }
}
