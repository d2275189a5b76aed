package io.crak.agent;

import io.crak.job.RunningJob;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One job this node holds: given to it under {@code epoch}. {@code running} is set once launched
 * or restored. {@code busy} serializes the operations on it (checkpoint, stop); {@code stopping}
 * marks a kill that the agent itself did, so the exit is not taken for the job's own end.
 */
final class LocalJob {
    final long id;
    final long epoch;
    volatile RunningJob running;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile boolean stopping;
    /** When this node began to start it, for the start timeout. */
    final long createdNanos = System.nanoTime();

    LocalJob(long id, long epoch) {
        this.id = id;
        this.epoch = epoch;
    }
}
