package io.crak.core.files;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.FdKinds;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.proc.FdInfo;
import io.crak.core.proc.FdInfoParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Captures every descriptor through the {@link FdKind} that handles it, and refuses a descriptor
 * no kind handles with the pid, the fd and what it is. Descriptors sharing one open file
 * description (after fork or dup) are recorded as such so the restore shares it again.
 */
public final class FilesDumper implements Resource.Dumper {
    private static final int O_CLOEXEC = 02000000;

    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        int pid = ctx.pid();
        for (int fd : fds(ctx.proc.path(pid, "fd"))) {
            String link;
            FdInfo info;
            try {
                link = ctx.proc.readLink(pid, "fd/" + fd);
                info = FdInfoParser.parse(ctx.proc.read(pid, "fdinfo/" + fd));
            } catch (NoSuchFileException e) {
                continue; // closed meanwhile (by a thread stopped right after close)
            }
            Object key = Files.readAttributes(ctx.proc.path(pid, "fd/" + fd),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            int[] shared = findShared(ctx.session.openFiles, pid, fd, key);
            boolean cloexec = (info.flags() & O_CLOEXEC) != 0;
            int flags = info.flags() & ~O_CLOEXEC;
            if (shared[0] != 0) {
                image.fds.add(new FdImage(fd, link, flags, info.pos(), cloexec, ctx.imagePid(shared[0]), shared[1], null, null));
                continue;
            }
            FdKind kind = FdKinds.forLink(link, ctx.proc.path(pid, "net")).orElseThrow(() -> unsupported(pid, fd, link));
            FdState state = kind.dump(ctx, fd, link, info);
            image.fds.add(new FdImage(fd, link, flags, info.pos(), cloexec, 0, 0, kind.name(), state));
            ctx.session.openFiles.add(new OpenFileKey(pid, fd, key));
        }
    }

    private static CrakException unsupported(int pid, int fd, String link) {
        String kind = link.startsWith("pipe:") ? "a pipe" : link.startsWith("socket:") ? "a socket"
                : link.startsWith("anon_inode:") ? "an " + link.substring("anon_inode:".length()) + " descriptor"
                : link.endsWith(" (deleted)") ? "a file deleted while open"
                : "an unknown kind of file";
        return new CrakException("pid " + pid + " fd " + fd + ": " + link + " is " + kind + ", not supported yet");
    }

    private static int[] findShared(List<OpenFileKey> seen, int pid, int fd, Object key) throws CrakException {
        for (OpenFileKey k : seen) {
            if (key == null || !key.equals(k.fileKey())) {
                continue;
            }
            try {
                if (Tracer.sameOpenFile(k.pid(), k.fd(), pid, fd)) {
                    return new int[] {k.pid(), k.fd()};
                }
            } catch (NativeException e) {
                throw new CrakException("pid " + pid + " fd " + fd + ": " + e.getMessage(), e);
            }
        }
        return new int[] {0, 0};
    }

    private static List<Integer> fds(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList();
        }
    }
}
