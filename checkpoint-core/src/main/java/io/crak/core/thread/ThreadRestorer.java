package io.crak.core.thread;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Ptrace;
import io.crak.core.jna.Tracer;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Puts back each thread's kernel-side state (the threads themselves were created with their
 * tids by the tree restorer). General registers come last, set by the engine when it lets go.
 */
public final class ThreadRestorer implements Resource.Restorer {
    private static final int PR_SET_NAME = 15;
    private static final int SS_DISABLE = 2;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        for (ThreadImage t : image.threads) {
            RemoteSyscall r = ctx.remote(t.tid());
            ctx.resetData();
            r.check("set_tid_address", Syscalls.SET_TID_ADDRESS, t.clearChildTid());
            if (t.robustHead() != 0) {
                r.check("set_robust_list", Syscalls.SET_ROBUST_LIST, t.robustHead(), t.robustLen());
            }
            if (t.rseqPointer() != 0) {
                r.check("rseq registration", Syscalls.RSEQ, t.rseqPointer(), t.rseqLength(), 0, t.rseqSignature());
            }
            r.check("prctl(PR_SET_NAME)", Syscalls.PRCTL, PR_SET_NAME, ctx.putString(t.comm()), 0, 0, 0);
            if ((t.altStack()[1] & SS_DISABLE) == 0) {
                ByteBuffer ss = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                ss.putLong(0, t.altStack()[0]).putInt(8, 0).putLong(16, t.altStack()[2]);
                r.check("sigaltstack", Syscalls.SIGALTSTACK, ctx.putData(ss.array()), 0);
            }
            try {
                int host = ctx.session.hostPid(t.tid());
                Tracer.setSigmask(host, t.sigmask());
                Tracer.setRegset(host, Ptrace.NT_X86_XSTATE, t.xstate());
            } catch (NativeException e) {
                throw new CrakException("pid " + ctx.pid() + " tid " + t.tid() + ": " + e.getMessage(), e);
            }
            for (byte[] info : t.pending()) {
                int sig = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                // queued by the leader: the kernel lets a thread group leader queue any si_code to its own group
                ctx.leader().check("rt_tgsigqueueinfo of signal " + sig, Syscalls.RT_TGSIGQUEUEINFO, ctx.pid(), t.tid(), sig,
                        ctx.putData(info));
            }
        }
    }
}
