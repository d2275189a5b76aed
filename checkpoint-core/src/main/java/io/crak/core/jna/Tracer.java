package io.crak.core.jna;

import static io.crak.core.jna.Ptrace.*;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;

/**
 * ptrace(2) and the other per-task system calls of the engine, with Java types in and out and
 * errors as {@link NativeException}. This is the only door to the kernel's task interfaces; the
 * resource packages use it and never JNA directly.
 */
public final class Tracer {
    private static final LibC C = LibC.INSTANCE;
    private static final long SYS_GET_ROBUST_LIST = 274;
    private static final long SYS_TGKILL = 234;
    private static final long SYS_KCMP = 312;
    private static final int KCMP_FILE = 0;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int SIGINFO_SIZE = 128;
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    private static final int CLD_EXITED = 1;

    private Tracer() {
    }

    private static long ptrace(String what, int request, int tid, long addr, long data) throws NativeException {
        try {
            return C.ptrace(request, tid, addr, data);
        } catch (LastErrorException e) {
            throw new NativeException(what + " of tid " + tid, e.getErrorCode());
        }
    }

    public static void seize(int tid, int options) throws NativeException {
        ptrace("PTRACE_SEIZE", PTRACE_SEIZE, tid, 0, options);
    }

    public static void interrupt(int tid) throws NativeException {
        ptrace("PTRACE_INTERRUPT", PTRACE_INTERRUPT, tid, 0, 0);
    }

    public static void setOptions(int tid, int options) throws NativeException {
        ptrace("PTRACE_SETOPTIONS", PTRACE_SETOPTIONS, tid, 0, options);
    }

    public static void cont(int tid, int signal) throws NativeException {
        ptrace("PTRACE_CONT", PTRACE_CONT, tid, 0, signal);
    }

    /** Resumes until the next syscall entry or exit stop. */
    public static void syscall(int tid, int signal) throws NativeException {
        ptrace("PTRACE_SYSCALL", PTRACE_SYSCALL, tid, 0, signal);
    }

    public static void detach(int tid, int signal) throws NativeException {
        ptrace("PTRACE_DETACH", PTRACE_DETACH, tid, 0, signal);
    }

    public static long eventMessage(int tid) throws NativeException {
        try (Memory m = new Memory(8)) {
            ptrace("PTRACE_GETEVENTMSG", PTRACE_GETEVENTMSG, tid, 0, com.sun.jna.Pointer.nativeValue(m));
            return m.getLong(0);
        }
    }

    public static UserRegs getRegs(int tid) throws NativeException {
        UserRegs r = new UserRegs();
        ptrace("PTRACE_GETREGS", PTRACE_GETREGS, tid, 0, com.sun.jna.Pointer.nativeValue(r.getPointer()));
        r.read();
        return r;
    }

    public static void setRegs(int tid, UserRegs regs) throws NativeException {
        regs.write();
        ptrace("PTRACE_SETREGS", PTRACE_SETREGS, tid, 0, com.sun.jna.Pointer.nativeValue(regs.getPointer()));
    }

    /** PTRACE_GETREGSET: returns exactly as many bytes as the kernel filled in. */
    public static byte[] getRegset(int tid, int type, int maxLen) throws NativeException {
        try (Memory buf = new Memory(maxLen)) {
            Iovec iov = new Iovec();
            iov.iov_base = com.sun.jna.Pointer.nativeValue(buf);
            iov.iov_len = maxLen;
            iov.write();
            ptrace("PTRACE_GETREGSET", PTRACE_GETREGSET, tid, type, com.sun.jna.Pointer.nativeValue(iov.getPointer()));
            iov.read();
            return buf.getByteArray(0, (int) iov.iov_len);
        }
    }

    public static void setRegset(int tid, int type, byte[] data) throws NativeException {
        try (Memory buf = new Memory(Math.max(1, data.length))) {
            buf.write(0, data, 0, data.length);
            Iovec iov = new Iovec();
            iov.iov_base = com.sun.jna.Pointer.nativeValue(buf);
            iov.iov_len = data.length;
            iov.write();
            ptrace("PTRACE_SETREGSET", PTRACE_SETREGSET, tid, type, com.sun.jna.Pointer.nativeValue(iov.getPointer()));
        }
    }

    public static long getSigmask(int tid) throws NativeException {
        try (Memory m = new Memory(8)) {
            ptrace("PTRACE_GETSIGMASK", PTRACE_GETSIGMASK, tid, 8, com.sun.jna.Pointer.nativeValue(m));
            return m.getLong(0);
        }
    }

    public static void setSigmask(int tid, long mask) throws NativeException {
        try (Memory m = new Memory(8)) {
            m.setLong(0, mask);
            ptrace("PTRACE_SETSIGMASK", PTRACE_SETSIGMASK, tid, 8, com.sun.jna.Pointer.nativeValue(m));
        }
    }

    /** rseq registration of a thread: {pointer, size, signature}; pointer 0 when none. */
    public static long[] rseqConfiguration(int tid) throws NativeException {
        RseqConfiguration c = new RseqConfiguration();
        ptrace("PTRACE_GET_RSEQ_CONFIGURATION", PTRACE_GET_RSEQ_CONFIGURATION, tid, c.size(),
                com.sun.jna.Pointer.nativeValue(c.getPointer()));
        c.read();
        return new long[] {c.rseq_abi_pointer, Integer.toUnsignedLong(c.rseq_abi_size), Integer.toUnsignedLong(c.signature)};
    }

    /**
     * Pending signals as raw 128-byte siginfo records, from the thread's own queue or (shared) the
     * process-wide one.
     */
    public static java.util.List<byte[]> pendingSignals(int tid, boolean shared) throws NativeException {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        try (Memory args = new Memory(16); Memory buf = new Memory(SIGINFO_SIZE)) {
            for (long off = 0; ; off++) {
                args.setLong(0, off);
                args.setInt(8, shared ? PTRACE_PEEKSIGINFO_SHARED : 0);
                args.setInt(12, 1);
                long n = ptrace("PTRACE_PEEKSIGINFO", PTRACE_PEEKSIGINFO, tid, com.sun.jna.Pointer.nativeValue(args),
                        com.sun.jna.Pointer.nativeValue(buf));
                if (n == 0) {
                    return out;
                }
                out.add(buf.getByteArray(0, SIGINFO_SIZE));
            }
        }
    }

    /** get_robust_list(2): {head, len}. */
    public static long[] robustList(int tid) throws NativeException {
        try (Memory head = new Memory(8); Memory len = new Memory(8)) {
            C.syscall(SYS_GET_ROBUST_LIST, tid, com.sun.jna.Pointer.nativeValue(head), com.sun.jna.Pointer.nativeValue(len), 0, 0, 0);
            return new long[] {head.getLong(0), len.getLong(0)};
        } catch (LastErrorException e) {
            throw new NativeException("get_robust_list of tid " + tid, e.getErrorCode());
        }
    }

    /**
     * kcmp(2) KCMP_FILE: whether fd1 of pid1 and fd2 of pid2 are the same open file description
     * (shared offset and flags, as after fork or dup).
     */
    public static boolean sameOpenFile(int pid1, int fd1, int pid2, int fd2) throws NativeException {
        try {
            return C.syscall(SYS_KCMP, pid1, pid2, KCMP_FILE, fd1, fd2, 0) == 0;
        } catch (LastErrorException e) {
            throw new NativeException("kcmp of pid " + pid1 + " fd " + fd1 + " and pid " + pid2 + " fd " + fd2,
                    e.getErrorCode());
        }
    }

    /**
     * waitid(P_PID, pid, WEXITED|WNOHANG[|WNOWAIT]): reports only an exit, never a ptrace stop,
     * so it can run beside an engine thread that is tracing the same child.
     *
     * @return {exited?1:0, code or signal}, or null while pid has not exited
     */
    public static int[] exitOf(int pid, boolean leaveZombie) throws NativeException {
        try (Memory info = new Memory(SIGINFO_SIZE)) {
            info.clear();
            C.waitid(P_PID, pid, info, WEXITED | WNOHANG | (leaveZombie ? WNOWAIT : 0));
            if (info.getInt(16) == 0) {
                return null;
            }
            int code = info.getInt(8);
            return new int[] {code == CLD_EXITED ? 1 : 0, info.getInt(24)};
        } catch (LastErrorException e) {
            throw new NativeException("waitid of pid " + pid, e.getErrorCode());
        }
    }

    /** Waits for a state change of tid (any thread: __WALL). */
    public static WaitStatus waitFor(int tid) throws NativeException {
        return waitFor(tid, 0);
    }

    public static WaitStatus waitFor(int tid, int flags) throws NativeException {
        IntByReference st = new IntByReference();
        while (true) {
            try {
                int pid = C.waitpid(tid, st, flags | __WALL);
                return new WaitStatus(pid, st.getValue());
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw new NativeException("waitpid of " + tid, e.getErrorCode());
                }
            }
        }
    }

    /** Non-blocking wait; null when nothing changed. */
    public static WaitStatus poll(int tid) throws NativeException {
        WaitStatus s = waitFor(tid, WNOHANG);
        return s.pid() == 0 ? null : s;
    }

    public static void kill(int pid, int sig) throws NativeException {
        try {
            C.kill(pid, sig);
        } catch (LastErrorException e) {
            throw new NativeException("kill " + sig + " of pid " + pid, e.getErrorCode());
        }
    }

    public static void tgkill(int tgid, int tid, int sig) throws NativeException {
        try {
            C.syscall(SYS_TGKILL, tgid, tid, sig, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException("tgkill " + sig + " of tid " + tid, e.getErrorCode());
        }
    }

    /** Makes this JVM the reaper of orphaned descendants (prctl PR_SET_CHILD_SUBREAPER). */
    public static void becomeChildSubreaper() throws NativeException {
        try {
            C.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new NativeException("prctl(PR_SET_CHILD_SUBREAPER)", e.getErrorCode());
        }
    }

    public static int getpid() {
        return C.getpid();
    }
}
