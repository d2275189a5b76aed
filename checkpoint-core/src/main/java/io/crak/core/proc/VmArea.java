package io.crak.core.proc;

import java.util.Set;

/**
 * One line of /proc/PID/maps: a virtual memory area.
 *
 * @param start first address (inclusive)
 * @param end address after the last byte (exclusive)
 * @param shared {@code s} (MAP_SHARED) rather than {@code p} (private, copy-on-write)
 * @param offset offset into the mapped file, in bytes
 * @param inode inode of the mapped file, 0 when none
 * @param path mapped file or pseudo name such as {@code [heap]}; "" for anonymous memory; without
 *     the {@code " (deleted)"} suffix
 * @param deleted the mapped file was unlinked after being mapped
 */
public record VmArea(
        long start,
        long end,
        boolean read,
        boolean write,
        boolean exec,
        boolean shared,
        long offset,
        int devMajor,
        int devMinor,
        long inode,
        String path,
        boolean deleted) {

    /** Kernel-provided areas named in brackets that are not backed by a file. */
    private static final Set<String> SPECIAL_NAMES = Set.of(
            "[heap]", "[stack]", "[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[uprobes]",
            "[sigpage]", "[vectors]");

    /** The kernel names shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) after this file. */
    private static final String SHARED_ANONYMOUS_PATH = "/dev/zero";

    public VmArea {
        if (Long.compareUnsigned(end, start) <= 0) {
            throw new IllegalArgumentException(
                    "vm area end " + Long.toHexString(end) + " not above start " + Long.toHexString(start));
        }
        if (path == null) {
            throw new IllegalArgumentException("vm area path is null; use \"\" for anonymous memory");
        }
    }

    public long size() {
        return end - start;
    }

    /**
     * Private or shared memory not backed by a file the restorer could reopen: no path, or a name
     * given with PR_SET_VMA_ANON_NAME ({@code [anon:NAME]}, {@code [anon_shmem:NAME]}). Heap and
     * stack are anonymous too, but {@link #isSpecial()} reports them.
     */
    public boolean isAnonymous() {
        return path.isEmpty() || path.startsWith("[anon:") || path.startsWith("[anon_shmem:");
    }

    /** MAP_SHARED|MAP_ANONYMOUS memory (shown as {@code /dev/zero (deleted)}) or named shmem. */
    public boolean isSharedAnonymous() {
        return shared && ((deleted && path.equals(SHARED_ANONYMOUS_PATH)) || path.startsWith("[anon_shmem:"));
    }

    /**
     * A kernel-named area: [heap], [stack], [vdso], [vvar], [vvar_vclock], [vsyscall], [uprobes]...
     * Any bracketed name except the anonymous-name forms counts, so future kernel areas are not
     * mistaken for files.
     */
    public boolean isSpecial() {
        return SPECIAL_NAMES.contains(path) || (path.startsWith("[") && path.endsWith("]") && !isAnonymous());
    }

    /** A regular file mapping (including deleted files and memfds), the opposite of anonymous/special. */
    public boolean isFileBacked() {
        return !isAnonymous() && !isSpecial();
    }

    /** A readable name for messages: the path (with " (deleted)" when so), or "anonymous". */
    public String name() {
        if (path.isEmpty()) {
            return "anonymous";
        }
        return deleted ? path + " (deleted)" : path;
    }

    /** {@code start-end} in hexadecimal, as /proc/PID/maps shows it. */
    public String range() {
        return Long.toHexString(start) + "-" + Long.toHexString(end);
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }
}
