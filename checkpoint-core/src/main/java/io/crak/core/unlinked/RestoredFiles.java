package io.crak.core.unlinked;

import io.crak.core.CrakException;
import io.crak.core.image.ImageFormat;
import io.crak.core.image.ImageSource;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.UnlinkedFileCalls;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The restore side of {@link FileContentsWriter}: recreates the included files that are missing
 * or differ here, and recreates every nameless file once, as a descriptor crak holds (O_TMPFILE in
 * its old directory, or a memfd with its name and seals) until the restored processes have
 * reopened it through {@code /proc/CRAKPID/fd/N}; {@link #close} then lets go of crak's copies.
 */
public final class RestoredFiles implements AutoCloseable {
    public static final RestoredFiles NONE = new RestoredFiles();
    private static final PosixFilePermission[] PERMISSION_BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private final Map<String, Integer> held = new HashMap<>();

    private RestoredFiles() {
    }

    /** Reads files.json and the content entries after it; images without files.json hold none. */
    public static RestoredFiles restore(ImageSource source) throws CrakException, IOException {
        FilesManifest m;
        try {
            m = ImageFormat.decode(source.readAll(FilesManifest.ENTRY), FilesManifest.class, FilesManifest.ENTRY);
        } catch (FileNotFoundException | NoSuchFileException e) {
            return new RestoredFiles();
        }
        for (IncludedFile f : m.included()) {
            recreateIfDifferent(f, source);
        }
        RestoredFiles r = new RestoredFiles();
        try {
            for (UnlinkedContent u : m.unlinked()) {
                r.held.put(u.entry(), recreate(u, source));
            }
        } catch (CrakException | IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** The descriptor, in crak, of the recreated nameless file of this entry. */
    public int heldFd(String entry) throws CrakException {
        Integer fd = held.get(entry);
        if (fd == null) {
            throw new CrakException("image entry " + entry + " (contents of a nameless file) is not listed in "
                    + FilesManifest.ENTRY);
        }
        return fd;
    }

    private static void recreateIfDifferent(IncludedFile f, ImageSource source) throws CrakException, IOException {
        Path p = Path.of(f.path());
        if (f.directory()) {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(p);
                setAttributes(p, f);
            }
            return;
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == f.size()
                && FileContentsWriter.sha256(p).equals(f.sha256())) {
            return;
        }
        Files.createDirectories(p.getParent());
        Path tmp = p.resolveSibling(p.getFileName() + ".crak-restoring");
        try (InputStream in = source.entry(f.entry()); OutputStream out = Files.newOutputStream(tmp)) {
            if (in.transferTo(out) != f.size()) {
                throw new CrakException("image entry " + f.entry() + " does not hold the " + f.size() + " bytes of "
                        + f.path());
            }
        }
        setAttributes(tmp, f);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void setAttributes(Path p, IncludedFile f) throws IOException {
        Files.setPosixFilePermissions(p, permissions(f.mode()));
        Files.setAttribute(p, "unix:uid", f.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", f.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(p, FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS));
    }

    private static int recreate(UnlinkedContent u, ImageSource source) throws CrakException, IOException {
        int fd;
        try {
            fd = u.memfd() ? UnlinkedFileCalls.memfdCreate(u.path().substring(UnlinkedContent.MEMFD_PREFIX.length()))
                    : UnlinkedFileCalls.openTmpfile(Path.of(u.path()).getParent().toString(), u.mode());
        } catch (NativeException e) {
            throw new CrakException("nameless file " + u.path() + ": " + e.getMessage() + "; it cannot be recreated here");
        }
        try {
            Path self = Path.of("/proc/self/fd/" + fd);
            try (InputStream in = source.entry(u.entry()); OutputStream out = Files.newOutputStream(self)) {
                if (in.transferTo(out) != u.size()) {
                    throw new CrakException("image entry " + u.entry() + " does not hold the " + u.size()
                            + " bytes of " + u.path());
                }
            }
            Files.setPosixFilePermissions(self, permissions(u.mode()));
            if (u.seals() != 0) {
                UnlinkedFileCalls.addSeals(fd, u.seals());
            }
            return fd;
        } catch (NativeException e) {
            FdCalls.close(fd);
            throw new CrakException("memfd " + u.path() + ": " + e.getMessage());
        } catch (CrakException | IOException | RuntimeException e) {
            FdCalls.close(fd);
            throw e;
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < PERMISSION_BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(PERMISSION_BITS[i]);
            }
        }
        return s;
    }

    /** Closes crak's descriptors; the restored processes keep theirs. */
    @Override
    public void close() {
        held.values().forEach(FdCalls::close);
        held.clear();
    }
}
