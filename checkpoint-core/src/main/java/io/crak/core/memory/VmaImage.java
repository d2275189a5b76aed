package io.crak.core.memory;

/**
 * One mapping of the address space.
 *
 * @param prot PROT_* bits
 * @param kind how it is recreated
 * @param path the mapped file (FILE), else the kernel's name ([heap], [stack], [vdso] ...)
 * @param inode the file's or shmem object's inode; shared anonymous mappings with equal inodes
 *     are one object shared between processes
 * @param fileSize size of the mapped file at dump time, to notice a changed file at restore
 * @param fileMtimeNanos its modification time in nanoseconds
 * @param unlinkedEntry for a FILE mapping of a file without a name (deleted, memfd): the image
 *     entry with its contents ({@link io.crak.core.unlinked.FilesManifest}); null otherwise
 */
public record VmaImage(long start, long end, int prot, boolean shared, boolean growsDown, Kind kind, long offset,
        String path, long inode, long fileSize, long fileMtimeNanos, String unlinkedEntry) {

    public enum Kind {
        /** private anonymous memory: heap, stacks, malloc arenas */
        ANON,
        /** MAP_SHARED|MAP_ANONYMOUS, possibly shared with other processes of the tree */
        SHARED_ANON,
        /** a mapped file, private (libraries, executable) or shared */
        FILE,
        /** [vvar], [vvar_vclock], [vdso]: moved from the restorer's own kernel mapping */
        VDSO,
        /** [vsyscall]: fixed by the kernel, nothing to do */
        VSYSCALL,
        /** a SysV shared memory segment (inode = shm id), attached again with shmat; contents in sysvIpc */
        SYSV_SHM
    }

    public long size() {
        return end - start;
    }

    public String describe() {
        return Long.toHexString(start) + "-" + Long.toHexString(end) + " " + (path.isEmpty() ? "anonymous" : path);
    }
}
