package io.crak.core.unlinked;

/**
 * A file or directory named with {@code --include-path}, captured so a restore on a node that
 * lacks it (or has another version of it) recreates it.
 *
 * @param mode permission bits
 * @param entry image entry with the contents (null for a directory)
 * @param sha256 hex SHA-256 of the contents (null for a directory)
 */
public record IncludedFile(String path, boolean directory, int mode, long size, long mtimeNanos, String entry,
        String sha256, int uid, int gid) {
}
