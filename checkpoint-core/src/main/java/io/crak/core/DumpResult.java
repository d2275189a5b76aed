package io.crak.core;

import io.crak.core.freeze.FreezerKind;
import java.time.Duration;
import java.util.List;

/**
 * What a dump captured.
 *
 * @param pids every process of the tree, root first
 * @param threads number of threads over all processes
 * @param memoryBytes bytes of page contents written
 * @param frozen how long the application was stopped (freeze until resume or kill)
 * @param total wall time of the whole dump
 */
public record DumpResult(int rootPid, List<Integer> pids, int threads, long memoryBytes,
        FreezerKind freezer, Duration frozen, Duration total) {
}
