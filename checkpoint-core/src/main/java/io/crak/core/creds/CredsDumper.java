package io.crak.core.creds;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.proc.ProcStatus;
import io.crak.core.proc.StatusParser;
import java.io.IOException;

/** Reads credentials from /proc/PID/status. */
public final class CredsDumper implements Resource.Dumper {
    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        ProcStatus s = StatusParser.parse(ctx.proc.read(ctx.pid(), "status"));
        image.creds = new CredsImage(s.uid(), s.gid(), s.groups(), s.capEff(), s.capPrm(), s.capInh(), s.capBnd(),
                s.capAmb());
    }
}
