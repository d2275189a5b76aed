package io.crak.core.files;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.proc.FdInfo;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Regular files and directories (reopened by path at their offset, with their flags), and the
 * character devices whose whole state is their path (/dev/null, /dev/zero, /dev/urandom...).
 */
public final class RegularFiles implements FdKind {
    /** Character devices whose state is nothing but their path. */
    public static final Set<String> STATELESS_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/full",
            "/dev/random", "/dev/urandom");
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_NOCTTY = 0400;
    private static final int O_TRUNC = 01000;

    @Override
    public String name() {
        return "file";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.startsWith("/") && !link.endsWith(" (deleted)");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        BasicFileAttributes a = Files.readAttributes(ctx.proc.path(ctx.pid(), "fd/" + fd), BasicFileAttributes.class);
        if (a.isRegularFile() || a.isDirectory() || STATELESS_DEVICES.contains(link)) {
            return null;
        }
        throw new CrakException("pid " + ctx.pid() + " fd " + fd + ": " + link + " is a device or special file, not supported");
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        int flags = reopenFlags(f.flags());
        ctx.resetData();
        return ctx.leader().check("open of " + f.path(), Syscalls.OPEN, ctx.putString(f.path()), flags, 0);
    }

    /**
     * The dumped open flags, less those that only mean something at creation (O_CREAT, O_EXCL,
     * O_TRUNC — which would destroy the content — and O_NOCTTY): what reopening the same file takes.
     */
    public static int reopenFlags(int dumped) {
        return dumped & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
    }

    @Override
    public boolean seekable() {
        return true;
    }
}
