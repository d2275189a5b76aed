package io.crak.core;

import io.crak.core.freeze.FreezerKind;
import java.util.Optional;

/**
 * What to checkpoint and how.
 *
 * @param rootPid the process whose whole tree (it and all its descendants) is dumped
 * @param leaveRunning true: the tree continues after the dump; false: it is killed once the images
 *     are safely written
 * @param freezer a forced freezer backend, or empty to pick the best one present
 */
public record DumpRequest(int rootPid, boolean leaveRunning, Optional<FreezerKind> freezer) {
    public DumpRequest {
        if (rootPid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + rootPid);
        }
    }

    public static DumpRequest of(int rootPid, boolean leaveRunning) {
        return new DumpRequest(rootPid, leaveRunning, Optional.empty());
    }
}
