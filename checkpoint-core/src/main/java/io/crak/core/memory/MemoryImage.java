package io.crak.core.memory;

import java.util.List;
import java.util.Map;

/**
 * The address space of a process.
 *
 * @param runs pages whose contents are stored in the pages entry, in that order
 * @param auxv the ELF auxiliary vector as the kernel keeps it (/proc/PID/auxv)
 * @param exe the executable (/proc/PID/exe)
 * @param advice madvise(2) advice in force per area (by start address): MADV_DONTFORK, _DONTDUMP,
 *     _WIPEONFORK, _HUGEPAGE, _NOHUGEPAGE, _MERGEABLE, _SEQUENTIAL, _RANDOM
 */
public record MemoryImage(List<VmaImage> vmas, List<PageRun> runs, MmFields mm, byte[] auxv, String exe,
        Map<Long, List<Integer>> advice) {
    public long pageBytes() {
        return runs.stream().mapToLong(r -> (long) r.pages() * MemoryDumper.PAGE_SIZE).sum();
    }
}
