package io.crak.core.thread;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Ptrace;
import io.crak.core.jna.Tracer;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.RestartFixup;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.ptrace.TracedThread;
import java.io.IOException;

/** Captures every thread of the process: registers, FPU state, masks, tid address, rseq, robust list. */
public final class ThreadDumper implements Resource.Dumper {
    /** Large enough for any XSAVE layout, AMX tiles included. */
    public static final int XSTATE_MAX_BYTES = 16384;
    private static final int PR_GET_TID_ADDRESS = 40;

    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        long scratch = ctx.scratch();
        for (TracedThread t : ctx.process.threadList()) {
            try {
                byte[] regs = RestartFixup.apply(t.stoppedRegs, false).toBytes();
                byte[] xstate = Tracer.getRegset(t.tid, Ptrace.NT_X86_XSTATE, XSTATE_MAX_BYTES);
                long mask = Tracer.getSigmask(t.tid);
                long[] robust = Tracer.robustList(t.tid);
                long[] rseq = Tracer.rseqConfiguration(t.tid);
                RemoteSyscall r = ctx.remote(t);
                r.check("prctl(PR_GET_TID_ADDRESS)", Syscalls.PRCTL, PR_GET_TID_ADDRESS, scratch, 0, 0, 0);
                long tidAddress = ctx.memory().readLong(scratch);
                r.check("sigaltstack", Syscalls.SIGALTSTACK, 0, scratch);
                byte[] ss = ctx.memory().read(scratch, 24);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ss).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                long[] alt = {b.getLong(0), b.getInt(8), b.getLong(16)};
                String comm = ctx.proc.readTask(ctx.pid(), t.tid, "comm").strip();
                image.threads.add(new ThreadImage(ctx.imagePid(t.tid), comm, regs, xstate, mask, tidAddress, robust[0], robust[1],
                        rseq[0], rseq[1], rseq[2], alt, Tracer.pendingSignals(t.tid, false), t.pendingSignal));
            } catch (NativeException e) {
                throw new CrakException("pid " + ctx.pid() + " tid " + t.tid + ": " + e.getMessage(), e);
            }
        }
    }
}
