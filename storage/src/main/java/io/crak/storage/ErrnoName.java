package io.crak.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * Recovers the errno name behind a JDK {@link IOException}: the JDK only keeps strerror's text,
 * and users grep logs for ENOSPC, not for "No space left on device".
 */
final class ErrnoName {
    private static final Map<String, String> BY_STRERROR = Map.ofEntries(
            Map.entry("No space left on device", "ENOSPC"),
            Map.entry("Disk quota exceeded", "EDQUOT"),
            Map.entry("Read-only file system", "EROFS"),
            Map.entry("Input/output error", "EIO"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Operation not permitted", "EPERM"),
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("File exists", "EEXIST"),
            Map.entry("Directory not empty", "ENOTEMPTY"),
            Map.entry("Stale file handle", "ESTALE"),
            Map.entry("File too large", "EFBIG"),
            Map.entry("Too many open files", "EMFILE"));

    private ErrnoName() {
    }

    /** "ENOSPC (No space left on device)", or the exception's own text when no errno is known. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "ENOENT (" + e.getMessage() + " does not exist)";
        }
        if (e instanceof AccessDeniedException) {
            return "EACCES (" + e.getMessage() + ")";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "EEXIST (" + e.getMessage() + " exists)";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "ENOTEMPTY (" + e.getMessage() + " is not empty)";
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (Map.Entry<String, String> m : BY_STRERROR.entrySet()) {
            if (msg.contains(m.getKey())) {
                return m.getValue() + " (" + m.getKey() + ")";
            }
        }
        return msg.replace('\n', ' ');
    }
}
