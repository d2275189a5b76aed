package io.crak.core.pipe;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.proc.FdInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Anonymous pipes ("pipe:[INODE]"): both ends, shared by any processes of the tree, with the bytes
 * buffered at the freeze, O_NONBLOCK and the capacity. See {@link PipeCapture} and
 * {@link PipeRebuild}.
 */
public final class Pipes implements FdKind {
    @Override
    public String name() {
        return "pipe";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.startsWith("pipe:[");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        return PipeCapture.capture(ctx, fd, link, info);
    }

    @Override
    public long open(RestoreContext ctx, FdImage fd) throws CrakException, IOException {
        return PipeRebuild.of(ctx.session).openAnonymous(ctx, fd);
    }

    @Override
    public void finish(RestoreSession session) throws CrakException {
        PipeRebuild.finish(session);
    }

    @Override
    public void abandon(RestoreSession session) {
        PipeRebuild.abandon(session);
    }
}
