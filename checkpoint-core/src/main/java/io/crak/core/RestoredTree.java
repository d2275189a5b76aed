package io.crak.core;

import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.WaitStatus;
import java.util.List;

/**
 * A restored tree, running. Its root has become a child of this process (the engine makes itself
 * a child subreaper before the restore), so this process can wait for it.
 */
public record RestoredTree(int rootPid, List<Integer> pids) {
    /**
     * Waits until the root exits, reaping any orphan of the tree that is reparented to us on
     * the way, and returns its status in shell convention (code, or 128 + signal).
     */
    public int waitForExit() throws CrakException {
        while (true) {
            WaitStatus s;
            try {
                s = Tracer.waitFor(-1);
            } catch (NativeException e) {
                throw new CrakException("waiting for restored pid " + rootPid + ": " + e.getMessage(), e);
            }
            if (s.pid() == rootPid && !s.stopped()) {
                return s.shellStatus();
            }
        }
    }
}
