package io.crak.core.files;

/**
 * An open file descriptor.
 *
 * @param path what /proc/PID/fd/N links to ("/path", "pipe:[123]", "socket:[456]", ...)
 * @param flags open flags as /proc/PID/fdinfo shows them (O_APPEND, O_NONBLOCK, access mode...)
 * @param sharedWithPid when not 0, this descriptor shares its open file description (and so its
 *     offset and flags) with descriptor {@code sharedWithFd} of that earlier process (or of this
 *     one), as after fork or dup; it is restored by duplicating that one, and kind and state are
 *     then those of the first
 * @param kind the {@link FdKind#name()} that captured it
 * @param state what that kind needs beyond path, flags and offset (null when nothing)
 */
public record FdImage(int fd, String path, int flags, long pos, boolean cloexec, int sharedWithPid,
        int sharedWithFd, String kind, FdState state) {
}
