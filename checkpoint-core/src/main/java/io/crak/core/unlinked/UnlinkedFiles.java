package io.crak.core.unlinked;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.proc.FdInfo;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Descriptors of files without a name — deleted while open, and memfds. Their contents are
 * written to the image by {@link FileContentsWriter}; at restore crak recreates each such file once
 * ({@link RestoredFiles}) and every descriptor reopens it through crak's own /proc fd link, with
 * its flags, and gets its offset back.
 */
public final class UnlinkedFiles implements FdKind {
    static final String DELETED_SUFFIX = " (deleted)";

    @Override
    public String name() {
        return "unlinked";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.startsWith("/") && link.endsWith(DELETED_SUFFIX);
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        Path p = ctx.proc.path(ctx.pid(), "fd/" + fd);
        if (!Files.isRegularFile(p)) {
            throw new CrakException("pid " + ctx.pid() + " fd " + fd + ": " + link
                    + " is a deleted special file or directory, not supported");
        }
        return new UnlinkedFile(UnlinkedContent.entryName(p));
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        int held = ctx.session.unlinkedFiles.heldFd(((UnlinkedFile) f.state()).entry());
        int flags = io.crak.core.files.RegularFiles.reopenFlags(f.flags());
        return ctx.openCrakFd(held, flags, "reopen of " + f.path());
    }

    @Override
    public boolean seekable() {
        return true;
    }
}
