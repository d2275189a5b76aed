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
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named FIFOs (a descriptor whose link is the path of a FIFO): reopened by path with their access
 * mode and O_NONBLOCK, with the bytes buffered at the freeze and the capacity. Must come before
 * the regular-file kind, which claims every path.
 */
public final class Fifos implements FdKind {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.startsWith("/") && !link.endsWith(" (deleted)") && isFifo(Path.of(link));
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        if (!isFifo(ctx.proc.path(ctx.pid(), "fd/" + fd))) {
            throw new CrakException("pid " + ctx.pid() + " fd " + fd + ": " + link
                    + " is no longer the FIFO the path names (replaced while open), not supported");
        }
        return PipeCapture.capture(ctx, fd, link, info);
    }

    @Override
    public long open(RestoreContext ctx, FdImage fd) throws CrakException, IOException {
        return PipeRebuild.of(ctx.session).openFifo(ctx, fd);
    }

    @Override
    public void finish(RestoreSession session) throws CrakException {
        PipeRebuild.finish(session);
    }

    @Override
    public void abandon(RestoreSession session) {
        PipeRebuild.abandon(session);
    }

    private static boolean isFifo(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return (mode & S_IFMT) == S_IFIFO;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
