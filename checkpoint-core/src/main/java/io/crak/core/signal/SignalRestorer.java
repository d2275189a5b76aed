package io.crak.core.signal;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/** Sets every disposition (SIG_DFL where the image has none), itimers and process-wide pending signals. */
public final class SignalRestorer implements Resource.Restorer {
    private static final int SIGKILL = 9;
    private static final int SIGSTOP = 19;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        Map<Integer, SignalImage.Action> bySig = new HashMap<>();
        for (SignalImage.Action a : image.signals.actions()) {
            bySig.put(a.signal(), a);
        }
        for (int sig = 1; sig <= SignalDumper.NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) {
                continue;
            }
            SignalImage.Action a = bySig.get(sig);
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            if (a != null) {
                b.putLong(a.handler()).putLong(a.flags()).putLong(a.restorer()).putLong(a.mask());
            }
            ctx.resetData();
            r.check("rt_sigaction(" + sig + ")", Syscalls.RT_SIGACTION, sig, ctx.putData(b.array()), 0, 8);
        }
        long[][] t = image.signals.itimers();
        for (int which = 0; which < 3; which++) {
            if (t[which][2] == 0 && t[which][3] == 0) {
                continue;
            }
            ctx.resetData();
            r.check("setitimer(" + which + ")", Syscalls.SETITIMER, which, ctx.putLongs(t[which]), 0);
        }
        for (byte[] info : image.signals.pending()) {
            int sig = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            ctx.resetData();
            r.check("rt_sigqueueinfo of signal " + sig, Syscalls.RT_SIGQUEUEINFO, ctx.pid(), sig, ctx.putData(info));
        }
    }
}
