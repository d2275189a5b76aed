package io.crak.core.signal;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.proc.ProcStatus;
import io.crak.core.proc.StatusParser;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Captures handlers (through injected rt_sigaction), process-wide pending signals and itimers. */
public final class SignalDumper implements Resource.Dumper {
    public static final int NSIG = 64;
    private static final int KERNEL_SIGACTION_BYTES = 32;

    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        ProcStatus st = StatusParser.parse(ctx.proc.read(ctx.pid(), "status"));
        long handled = st.sigCgt() | st.sigIgn();
        RemoteSyscall r = ctx.leaderRemote();
        long scratch = ctx.scratch();
        List<SignalImage.Action> actions = new ArrayList<>();
        for (int sig = 1; sig <= NSIG; sig++) {
            if ((handled & (1L << (sig - 1))) == 0) {
                continue;
            }
            r.check("rt_sigaction(" + sig + ")", Syscalls.RT_SIGACTION, sig, 0, scratch, 8);
            ByteBuffer b = ByteBuffer.wrap(ctx.memory().read(scratch, KERNEL_SIGACTION_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            actions.add(new SignalImage.Action(sig, b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24)));
        }
        long[][] timers = new long[3][];
        for (int which = 0; which < 3; which++) {
            r.check("getitimer(" + which + ")", Syscalls.GETITIMER, which, scratch);
            ByteBuffer b = ByteBuffer.wrap(ctx.memory().read(scratch, 32)).order(ByteOrder.LITTLE_ENDIAN);
            timers[which] = new long[] {b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24)};
        }
        try {
            image.signals = new SignalImage(actions, Tracer.pendingSignals(ctx.process.leader().tid, true), timers);
        } catch (NativeException e) {
            throw new CrakException("pid " + ctx.pid() + ": reading pending signals: " + e.getMessage(), e);
        }
    }
}
