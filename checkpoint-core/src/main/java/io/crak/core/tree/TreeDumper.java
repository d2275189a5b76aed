package io.crak.core.tree;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.proc.ProcStat;
import io.crak.core.proc.ProcStatus;
import io.crak.core.proc.StatParser;
import io.crak.core.proc.StatusParser;
import java.io.IOException;

/** Records parent, process group, session, and zombie or stopped state. */
public final class TreeDumper implements Resource.Dumper {
    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        ProcStat st = StatParser.parse(ctx.proc.read(ctx.pid(), "stat"));
        ProcStatus status = StatusParser.parse(ctx.proc.read(ctx.pid(), "status"));
        if (status.pidNamespaceDepth() > 0 && status.innermostPid() != ctx.pid()) {
            throw new CrakException("pid " + ctx.pid() + ": lives in a pid namespace of its own (pid "
                    + status.innermostPid() + " there); dumping pid namespaces is not supported yet");
        }
        int stopSignal = ctx.process.zombie ? 0 : ctx.process.leader().groupStopSignal;
        image.tree = new TreeImage(ctx.pid(), ctx.process.ppid, st.pgrp(), st.session(), ctx.process.zombie,
                st.exitCode(), stopSignal);
    }
}
