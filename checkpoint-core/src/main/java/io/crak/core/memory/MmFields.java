package io.crak.core.memory;

/** The mm_struct fields user space can see and PR_SET_MM_MAP can set (linux/prctl.h). */
public record MmFields(long startCode, long endCode, long startData, long endData, long startBrk, long brk,
        long startStack, long argStart, long argEnd, long envStart, long envEnd) {
}
