package io.crak.core.unlinked;

import io.crak.core.CrakException;
import io.crak.core.files.FdImage;
import io.crak.core.image.ImageFormat;
import io.crak.core.image.ImageSink;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.UnlinkedFileCalls;
import io.crak.core.memory.VmaImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes {@link FilesManifest} and the contents of the files that travel in the image: those
 * named by --include-path, and every nameless file a descriptor or mapping of the frozen tree
 * holds (read through /proc/PID/fd and /proc/PID/map_files while the tree is still frozen).
 */
public final class FileContentsWriter {
    private static final int COPY_BUFFER_BYTES = 1 << 20;

    private FileContentsWriter() {
    }

    /** images: by the host pid whose /proc shows the files. */
    public static void write(List<Path> includePaths, Map<Integer, ProcessImage> images, ImageSink sink)
            throws CrakException, IOException {
        List<IncludedFile> included = new ArrayList<>();
        for (Path p : includePaths) {
            include(p, included);
        }
        Map<String, Path> sources = new LinkedHashMap<>();
        Map<String, UnlinkedContent> unlinked = new LinkedHashMap<>();
        for (Map.Entry<Integer, ProcessImage> e : images.entrySet()) {
            ProcessImage img = e.getValue();
            int pid = e.getKey();
            for (FdImage f : img.fds) {
                if (f.sharedWithPid() == 0 && f.state() instanceof UnlinkedFile u && !unlinked.containsKey(u.entry())) {
                    Path src = Path.of("/proc", Integer.toString(pid), "fd", Integer.toString(f.fd()));
                    unlinked.put(u.entry(), describe(u.entry(), f.path(), src, pid));
                    sources.put(u.entry(), src);
                }
            }
            if (img.memory == null) {
                continue;
            }
            for (VmaImage v : img.memory.vmas()) {
                if (v.unlinkedEntry() != null && !unlinked.containsKey(v.unlinkedEntry())) {
                    Path src = Path.of("/proc", Integer.toString(pid), "map_files",
                            Long.toHexString(v.start()) + "-" + Long.toHexString(v.end()));
                    unlinked.put(v.unlinkedEntry(), describe(v.unlinkedEntry(), v.path(), src, pid));
                    sources.put(v.unlinkedEntry(), src);
                }
            }
        }
        sink.write(FilesManifest.ENTRY, ImageFormat.encode(new FilesManifest(included, List.copyOf(unlinked.values()))));
        for (IncludedFile f : included) {
            if (!f.directory()) {
                copy(Path.of(f.path()), f.size(), f.entry(), sink);
            }
        }
        for (UnlinkedContent u : unlinked.values()) {
            copy(sources.get(u.entry()), u.size(), u.entry(), sink);
        }
    }

    private static UnlinkedContent describe(String entry, String link, Path src, int pid)
            throws CrakException, IOException {
        String path = link.endsWith(UnlinkedFiles.DELETED_SUFFIX)
                ? link.substring(0, link.length() - UnlinkedFiles.DELETED_SUFFIX.length()) : link;
        boolean memfd = path.startsWith(UnlinkedContent.MEMFD_PREFIX);
        int mode = (Integer) Files.getAttribute(src, "unix:mode") & 07777;
        int seals = 0;
        if (memfd) {
            try {
                seals = UnlinkedFileCalls.seals(src.toString());
            } catch (NativeException e) {
                throw new CrakException("pid " + pid + ": memfd " + path + ": " + e.getMessage(), e);
            }
        }
        return new UnlinkedContent(entry, path, memfd, mode, Files.size(src), seals);
    }

    private static void include(Path root, List<IncludedFile> out) throws CrakException, IOException {
        if (!root.isAbsolute()) {
            throw new CrakException("--include-path " + root + ": not an absolute path");
        }
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new CrakException("--include-path " + root + ": does not exist (ENOENT)");
        }
        List<Path> paths;
        try (Stream<Path> s = Files.walk(root)) {
            paths = s.sorted().toList();
        }
        for (Path p : paths) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() && !a.isDirectory()) {
                throw new CrakException("--include-path " + root + ": " + p
                        + " is not a regular file or directory, not supported");
            }
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            if (a.isDirectory()) {
                out.add(new IncludedFile(p.toString(), true, mode, 0, mtime, null, null,
                        owner(p, "uid"), owner(p, "gid")));
            } else {
                out.add(new IncludedFile(p.toString(), false, mode, a.size(), mtime, "included-" + out.size() + ".img",
                        sha256(p), owner(p, "uid"), owner(p, "gid")));
            }
        }
    }

    private static int owner(Path p, String which) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:" + which, LinkOption.NOFOLLOW_LINKS);
    }

    static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        byte[] buf = new byte[COPY_BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void copy(Path src, long size, String entry, ImageSink sink) throws CrakException, IOException {
        byte[] buf = new byte[COPY_BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(src); OutputStream out = sink.entry(entry, size)) {
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new CrakException(src + ": shrank while being copied into " + entry + " (" + left
                            + " bytes short)");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }
}
