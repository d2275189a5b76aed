package io.crak.core.ptrace;

import io.crak.core.CrakException;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Ptrace;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.UserRegs;
import io.crak.core.jna.WaitStatus;

/**
 * Runs one system call inside a ptrace-stopped thread, without a parasite: point rip at a
 * {@code syscall} instruction already mapped in the tracee, load the arguments, and step it with
 * PTRACE_SYSCALL to the syscall-exit stop. The thread is left at that stop; the caller restores
 * the registers it wants the thread to have afterwards.
 *
 * <p>orig_rax is set to -1 before resuming so that the kernel applies no syscall-restart fix-up
 * from whatever syscall the thread was interrupted in. A signal that arrives during the call is
 * recorded and must be re-delivered by the caller ({@link #takeDeferredSignal}).
 */
public final class RemoteSyscall {
    private final int tid;
    private final long syscallInsn;
    private int deferredSignal;
    /** Registers to leave the thread with after every call (null: leave the call's). */
    private UserRegs resumeRegs;
    /** The task the last injected fork or clone created, as crak sees it (its PTRACE_EVENT message). */
    private int lastCreated;

    public RemoteSyscall(int tid, long syscallInsn) {
        this.tid = tid;
        this.syscallInsn = syscallInsn;
    }

    public int tid() {
        return tid;
    }

    /**
     * After every call, put these registers back at once: a dumped thread must be resumable as it
     * was at any moment, so that if crak dies between two calls (SIGKILL, OOM) the job goes on
     * instead of returning from a syscall it never made with a clobbered rip.
     */
    public void resumeWith(UserRegs regs) {
        this.resumeRegs = regs;
    }

    /** Executes the call and returns rax: the result, or -errno. */
    public long call(long nr, long... args) throws CrakException {
        try {
            return inject(nr, args);
        } finally {
            if (resumeRegs != null) {
                try {
                    Tracer.setRegs(tid, resumeRegs);
                } catch (NativeException e) {
                    // gone: nothing to resume
                }
            }
        }
    }

    private long inject(long nr, long... args) throws CrakException {
        try {
            UserRegs r = Tracer.getRegs(tid);
            r.rax = nr;
            r.orig_rax = -1;
            r.rip = syscallInsn;
            long[] a = new long[6];
            System.arraycopy(args, 0, a, 0, args.length);
            r.rdi = a[0];
            r.rsi = a[1];
            r.rdx = a[2];
            r.r10 = a[3];
            r.r8 = a[4];
            r.r9 = a[5];
            Tracer.setRegs(tid, r);
            stepToSyscallStop(nr, "entry");
            stepToSyscallStop(nr, "exit");
            return Tracer.getRegs(tid).rax;
        } catch (NativeException e) {
            throw new CrakException("tid " + tid + ": injecting system call " + nr + " failed: " + e.getMessage(), e);
        }
    }

    /** Like {@link #call} but turns a negative result into an exception naming {@code what}. */
    public long check(String what, long nr, long... args) throws CrakException {
        long rc = call(nr, args);
        if (rc < 0 && rc > -4096) {
            throw new CrakException("tid " + tid + ": " + what + " failed: "
                    + io.crak.core.jna.Errno.name((int) -rc));
        }
        return rc;
    }

    private void stepToSyscallStop(long nr, String phase) throws NativeException, CrakException {
        while (true) {
            Tracer.syscall(tid, 0);
            WaitStatus s = TraceeWait.waitFor(tid);
            if (!s.stopped()) {
                throw new CrakException("tid " + tid + " ended during injected system call " + nr + ": " + s);
            }
            if (s.stopSig() == (Ptrace.SIGTRAP | 0x80)) {
                return;
            }
            if (s.event() == Ptrace.PTRACE_EVENT_FORK || s.event() == Ptrace.PTRACE_EVENT_VFORK
                    || s.event() == Ptrace.PTRACE_EVENT_CLONE) {
                lastCreated = (int) Tracer.eventMessage(tid);
            }
            if (s.event() == 0 && s.stopSig() != Ptrace.SIGTRAP && s.stopSig() != Ptrace.SIGSTOP) {
                // A real signal arrived meanwhile: keep it for later, do not let it run a handler now.
                deferredSignal = s.stopSig();
            }
            // Event stops (PTRACE_EVENT_STOP from a pending interrupt) are simply stepped over.
        }
    }

    /**
     * The pid crak sees for the task the last injected fork/clone made. clone3 returns the pid in
     * the caller's namespace, which is not crak's when the tree has a pid namespace of its own.
     */
    public int lastCreatedTask() {
        return lastCreated;
    }

    /** Forgets a held-back signal the engine caused itself (the SIGCHLD of a helper it reaped). */
    public void dropDeferred(int signal) {
        if (deferredSignal == signal) {
            deferredSignal = 0;
        }
    }

    /** A signal that arrived during injection and was held back, or 0. */
    public int takeDeferredSignal() {
        int s = deferredSignal;
        deferredSignal = 0;
        return s;
    }
}
