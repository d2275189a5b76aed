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
        int stopSignal = ctx.process.zombie ? 0 : ctx.process.leader().groupStopSignal;
        // in a namespace of the tree's own, the group and session as seen there (0 when outside it)
        boolean namespaced = ctx.session.pids.isNamespaced();
        int pgid = namespaced ? innermost(status.nsPgid(), st.pgrp()) : st.pgrp();
        int sid = namespaced ? innermost(status.nsSid(), st.session()) : st.session();
        image.tree = new TreeImage(ctx.imagePid(ctx.pid()), ctx.imagePid(ctx.process.ppid), pgid, sid,
                ctx.process.zombie, st.exitCode(), stopSignal,
                namespaced && ctx.imagePid(ctx.pid()) == 1 ? NamespaceLastPid.read(ctx) : 0);
    }

    private static int innermost(java.util.List<Integer> ids, int fallback) {
        return ids.isEmpty() ? fallback : ids.get(ids.size() - 1);
    }
}
