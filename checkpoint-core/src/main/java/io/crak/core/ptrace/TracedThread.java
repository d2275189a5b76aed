package io.crak.core.ptrace;

import io.crak.core.jna.UserRegs;

/**
 * One seized thread: its registers as they were when it stopped, and whether the engine has run
 * injected system calls in it (then its registers must be put back before it is let go).
 *
 * @param pendingSignal a signal that was being delivered when the thread stopped (or arrived
 *     during injection), to be re-delivered when the thread is released; 0 when none
 */
public final class TracedThread {
    public final int tid;
    public final UserRegs stoppedRegs;
    public int pendingSignal;
    public boolean injected;
    /** The stop signal if the process was in a group-stop (stopped by the user) when seized. */
    public int groupStopSignal;
    private RemoteSyscall remote;

    public TracedThread(int tid, UserRegs stoppedRegs, int pendingSignal) {
        this.tid = tid;
        this.stoppedRegs = stoppedRegs;
        this.pendingSignal = pendingSignal;
    }

    TracedThread groupStopped(int signal) {
        this.groupStopSignal = signal;
        return this;
    }

    /** A syscall injector for this thread using the given {@code syscall} instruction address. */
    public RemoteSyscall remote(long syscallInsn) {
        if (remote == null) {
            remote = new RemoteSyscall(tid, syscallInsn);
            // between calls the thread holds registers it can resume with (see resumeWith)
            remote.resumeWith(stoppedRegs.orig_rax >= 0 ? RestartFixup.apply(stoppedRegs, true) : stoppedRegs);
        }
        injected = true;
        return remote;
    }

    /** Signal held back during injection, merged with the one pending at the stop. */
    public int signalToRedeliver() {
        int deferred = remote == null ? 0 : remote.takeDeferredSignal();
        return pendingSignal != 0 ? pendingSignal : deferred;
    }
}
