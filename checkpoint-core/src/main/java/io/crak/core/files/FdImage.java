package io.crak.core.files;

/**
 * An open file descriptor.
 *
 * @param flags open flags as /proc/PID/fdinfo shows them (O_APPEND, O_NONBLOCK, access mode...)
 * @param sharedWithPid when not 0, this descriptor shares its open file description (and so its
 *     offset) with descriptor {@code sharedWithFd} of that earlier process (or of this one), as
 *     after fork or dup; restored by duplicating that one
 */
public record FdImage(int fd, String path, int flags, long pos, boolean cloexec, int sharedWithPid,
        int sharedWithFd) {
}
