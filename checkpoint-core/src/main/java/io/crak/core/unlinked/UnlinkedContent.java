package io.crak.core.unlinked;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The contents of one nameless file, stored in image entry {@code entry}.
 *
 * @param path its path before it was deleted (without " (deleted)"), or "/memfd:NAME" for a memfd
 * @param memfd created by memfd_create (recreated as a memfd with the same name and seals)
 * @param mode permission bits
 * @param size bytes of contents in the entry
 * @param seals F_SEAL_* bits of a memfd (0 otherwise)
 */
public record UnlinkedContent(String entry, String path, boolean memfd, int mode, long size, int seals) {
    static final String MEMFD_PREFIX = "/memfd:";

    /** The entry of the file with this device (userspace major:minor) and inode. */
    public static String entryName(long major, long minor, long ino) {
        return "unlinked-" + major + "-" + minor + "-" + ino + ".img";
    }

    /** The entry of the file that an open descriptor or mapping at {@code procPath} shows. */
    static String entryName(Path procPath) throws IOException {
        long dev = (Long) Files.getAttribute(procPath, "unix:dev");
        long ino = (Long) Files.getAttribute(procPath, "unix:ino");
        // glibc's major()/minor() of a dev_t
        return entryName(((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL), (dev & 0xff) | ((dev >>> 12) & ~0xffL), ino);
    }
}
