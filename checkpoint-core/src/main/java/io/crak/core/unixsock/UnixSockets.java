package io.crak.core.unixsock;

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
import java.util.stream.Stream;

/**
 * AF_UNIX sockets of stream, datagram and seqpacket type: socketpairs and accepted connections
 * whose two ends are in the tree, listeners on their path with the connections they have not
 * accepted yet, bound datagram sockets, each with its queued data. See {@link UnixSocketCapture} and {@link UnixRebuild}.
 */
public final class UnixSockets implements FdKind {
    /** Column of /proc/net/unix holding the inode. */
    private static final int INODE_COLUMN = 6;

    @Override
    public String name() {
        return "unix";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        if (!link.startsWith("socket:[")) {
            return false;
        }
        String inode = Long.toString(inode(link));
        try (Stream<String> lines = Files.lines(procNet.resolve("unix"))) {
            return lines.skip(1).map(l -> l.trim().split("\\s+"))
                    .anyMatch(c -> c.length > INODE_COLUMN && c[INODE_COLUMN].equals(inode));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static long inode(String link) {
        return Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        return UnixSocketCapture.capture(ctx, fd, inode(link));
    }

    @Override
    public long open(RestoreContext ctx, FdImage fd) throws CrakException, IOException {
        return UnixRebuild.of(ctx.session).open(ctx, fd);
    }

    @Override
    public void finish(RestoreSession session) throws CrakException, IOException {
        UnixRebuild.finish(session);
    }
}
