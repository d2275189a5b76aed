package io.crak.core.task;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.proc.LimitsParser;
import io.crak.core.proc.StatusParser;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;

/** Reads cwd, root, umask, personality and limits from /proc; asks the process its parent-death signal. */
public final class TaskDumper implements Resource.Dumper {
    private static final int PR_GET_PDEATHSIG = 2;

    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        int pid = ctx.pid();
        String cwd = ctx.proc.readLink(pid, "cwd");
        String root = ctx.proc.readLink(pid, "root");
        if (cwd.endsWith(" (deleted)")) {
            throw new CrakException("pid " + pid + ": working directory " + cwd + " was deleted");
        }
        Integer umask = StatusParser.parse(ctx.proc.read(pid, "status")).umask();
        int personality = (int) Long.parseLong(ctx.proc.read(pid, "personality").strip(), 16);
        long scratch = ctx.scratch();
        ctx.leaderRemote().check("prctl(PR_GET_PDEATHSIG)", Syscalls.PRCTL, PR_GET_PDEATHSIG, scratch, 0, 0, 0);
        int pdeath = (int) ctx.memory().readLong(scratch);
        image.task = new TaskImage(cwd, root, umask == null ? 022 : umask, personality,
                LimitsParser.parse(ctx.proc.read(pid, "limits")), pdeath);
    }
}
