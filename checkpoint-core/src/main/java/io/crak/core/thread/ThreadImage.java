package io.crak.core.thread;

import java.util.List;

/**
 * One thread: registers and the per-thread kernel state glibc and the application rely on.
 *
 * @param regs user_regs_struct, with an interrupted system call already rewound to re-issue itself
 * @param xstate the XSAVE area (FPU, SSE, AVX...) as PTRACE_GETREGSET NT_X86_XSTATE returns it
 * @param clearChildTid set_tid_address(2) value (pthread_join waits on it)
 * @param altStack sigaltstack {sp, flags, size}
 * @param pending siginfo (128 bytes each) queued for this thread only
 * @param deliverOnResume a signal that was being delivered when the thread was frozen, or 0
 */
public record ThreadImage(int tid, String comm, byte[] regs, byte[] xstate, long sigmask, long clearChildTid,
        long robustHead, long robustLen, long rseqPointer, long rseqLength, long rseqSignature, long[] altStack,
        List<byte[]> pending, int deliverOnResume) {
}
