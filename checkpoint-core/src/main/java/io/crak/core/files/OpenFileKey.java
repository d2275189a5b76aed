package io.crak.core.files;

/** A descriptor already dumped, by the file it points to, to find descriptors sharing its description. */
public record OpenFileKey(int pid, int fd, Object fileKey) {
}
