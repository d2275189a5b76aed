package io.crak.core.freeze;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Map;

/**
 * Turns the strerror text that Java puts into an IOException back into the errno name, so that
 * messages say "ESRCH" and callers can tell "process gone" from real failures without JNA.
 */
final class ErrnoNames {
    private static final Map<String, String> BY_STRERROR = Map.ofEntries(
            Map.entry("No such process", "ESRCH"),
            Map.entry("Invalid argument", "EINVAL"),
            Map.entry("Device or resource busy", "EBUSY"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Operation not permitted", "EPERM"),
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("File exists", "EEXIST"),
            Map.entry("Directory not empty", "ENOTEMPTY"),
            Map.entry("Operation not supported", "EOPNOTSUPP"),
            Map.entry("No space left on device", "ENOSPC"),
            Map.entry("Resource temporarily unavailable", "EAGAIN"),
            Map.entry("Read-only file system", "EROFS"));

    private ErrnoNames() {}

    /** "ESRCH (No such process)" or, for an unknown text, the text itself. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "ENOENT (No such file or directory)";
        }
        if (e instanceof AccessDeniedException) {
            return "EACCES (Permission denied)";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "EEXIST (File exists)";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "ENOTEMPTY (Directory not empty)";
        }
        String text = strerror(e);
        String name = BY_STRERROR.get(text);
        return name == null ? text : name + " (" + text + ")";
    }

    static boolean isNoSuchProcess(IOException e) {
        return "No such process".equals(strerror(e));
    }

    static boolean isBusy(IOException e) {
        return "Device or resource busy".equals(strerror(e)) || e instanceof DirectoryNotEmptyException;
    }

    /** FileSystemException messages are "path: reason"; plain IOExceptions carry the reason alone. */
    private static String strerror(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int colon = m.lastIndexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : m;
    }
}
