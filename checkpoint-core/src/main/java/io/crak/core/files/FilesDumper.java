package io.crak.core.files;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
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
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Captures descriptors of regular files, directories and the harmless character devices; refuses
 * anything else with the pid, the fd and what it is. Descriptors that share one open file
 * description (after fork or dup) are recorded as such so the restore shares it again.
 */
public final class FilesDumper implements Resource.Dumper {
    /** Character devices whose state is nothing but their path. */
    public static final Set<String> STATELESS_DEVICES = Set.of("/dev/null", "/dev/zero", "/dev/full",
            "/dev/random", "/dev/urandom");
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
            Object key = check(pid, fd, link, ctx.proc.path(pid, "fd/" + fd));
            int[] shared = findShared(ctx.session.openFiles, pid, fd, key);
            image.fds.add(new FdImage(fd, link, info.flags() & ~O_CLOEXEC, info.pos(), (info.flags() & O_CLOEXEC) != 0,
                    shared[0], shared[1]));
            ctx.session.openFiles.add(new OpenFileKey(pid, fd, key));
        }
    }

    private static Object check(int pid, int fd, String link, Path fdPath) throws CrakException, IOException {
        String where = "pid " + pid + " fd " + fd + ": ";
        if (!link.startsWith("/")) {
            String kind = link.startsWith("pipe:") ? "a pipe" : link.startsWith("socket:") ? "a socket"
                    : link.startsWith("anon_inode:") ? "an " + link.substring("anon_inode:".length()) + " descriptor"
                    : "an unknown kind of file";
            throw new CrakException(where + link + " is " + kind + ", not supported yet");
        }
        if (link.endsWith(" (deleted)")) {
            throw new CrakException(where + link + " is a file deleted while open, not supported yet");
        }
        BasicFileAttributes a = Files.readAttributes(fdPath, BasicFileAttributes.class);
        if (a.isRegularFile() || a.isDirectory() || STATELESS_DEVICES.contains(link)) {
            return a.fileKey();
        }
        throw new CrakException(where + link + " is a device or special file, not supported");
    }

    private static int[] findShared(List<OpenFileKey> seen, int pid, int fd, Object key) throws CrakException {
        for (OpenFileKey k : seen) {
            if (!k.fileKey().equals(key)) {
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
