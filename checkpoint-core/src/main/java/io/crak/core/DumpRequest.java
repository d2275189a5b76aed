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
 * @param tcpClose drop TCP connections to peers outside the job (they come back reset) instead of
 *     refusing the dump
 * @param includePaths files and directories (absolute) whose contents travel in the image and are
 *     recreated at restore where missing or different (--include-path)
 */
public record DumpRequest(int rootPid, boolean leaveRunning, Optional<FreezerKind> freezer, boolean tcpClose,
        java.util.List<java.nio.file.Path> includePaths) {
    public DumpRequest {
        if (rootPid <= 0) {
            throw new IllegalArgumentException("pid must be positive, got " + rootPid);
        }
        includePaths = java.util.List.copyOf(includePaths);
        for (java.nio.file.Path p : includePaths) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("--include-path must be absolute, got " + p);
            }
        }
    }

    public DumpRequest(int rootPid, boolean leaveRunning, Optional<FreezerKind> freezer, boolean tcpClose) {
        this(rootPid, leaveRunning, freezer, tcpClose, java.util.List.of());
    }

    public DumpRequest(int rootPid, boolean leaveRunning, Optional<FreezerKind> freezer) {
        this(rootPid, leaveRunning, freezer, false);
    }

    public static DumpRequest of(int rootPid, boolean leaveRunning) {
        return new DumpRequest(rootPid, leaveRunning, Optional.empty());
    }
}
