package io.crak.core.task;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.proc.LimitsParser;
import io.crak.core.proc.Rlimit;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Restores cwd, umask, personality and those limits that differ from what the restored process
 * inherited (raising a hard limit needs CAP_SYS_RESOURCE and fails clearly without it).
 */
public final class TaskRestorer implements Resource.Restorer {
    private static final int PR_SET_PDEATHSIG = 1;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        TaskImage t = image.task;
        RemoteSyscall r = ctx.leader();
        if (!t.root().equals("/")) {
            throw new CrakException("pid " + ctx.pid() + ": restoring a chroot (" + t.root() + ") is not supported");
        }
        ctx.resetData();
        r.check("chdir to " + t.cwd(), Syscalls.CHDIR, ctx.putString(t.cwd()));
        r.check("umask", Syscalls.UMASK, t.umask());
        if (t.pdeathSignal() != 0) {
            r.check("prctl(PR_SET_PDEATHSIG)", Syscalls.PRCTL, PR_SET_PDEATHSIG, t.pdeathSignal(), 0, 0, 0);
        }
        if (t.personality() != 0) {
            r.check("personality", Syscalls.PERSONALITY, Integer.toUnsignedLong(t.personality()));
        }
        List<Rlimit> now = LimitsParser.parse(Files.readString(Path.of("/proc", Integer.toString(ctx.hostPid()), "limits")));
        for (Rlimit want : t.rlimits()) {
            Rlimit have = now.stream().filter(l -> l.resource() == want.resource()).findFirst().orElse(null);
            if (have != null && have.soft() == want.soft() && have.hard() == want.hard()) {
                continue;
            }
            ctx.resetData();
            long rc = r.call(Syscalls.PRLIMIT64, 0, want.resource().number(), ctx.putLongs(want.soft(), want.hard()), 0);
            if (rc < 0) {
                throw new CrakException("pid " + ctx.pid() + ": cannot set limit " + want.resource() + " to "
                        + want.soft() + "/" + want.hard() + ": " + io.crak.core.jna.Errno.name((int) -rc)
                        + (rc == -1 ? " (raising a hard limit needs CAP_SYS_RESOURCE)" : ""));
            }
        }
    }
}
