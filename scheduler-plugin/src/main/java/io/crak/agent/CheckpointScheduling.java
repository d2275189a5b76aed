package io.crak.agent;

import io.crak.cluster.JobRecord;
import java.time.Instant;
import java.util.Optional;

/** How the node's agent gets a running job checkpointed at its interval (see IntervalCheckpointPlugin). */
public interface CheckpointScheduling {
    /** No interval checkpoints (the plugin is not configured). */
    CheckpointScheduling NONE = new CheckpointScheduling() {
        @Override
        public void schedule(JobRecord job, long epoch) {
        }

        @Override
        public void unschedule(long jobId) {
        }

        @Override
        public Optional<Instant> next(long jobId) {
            return Optional.empty();
        }
    };

    /** Checkpoint {@code job}, held under {@code epoch}, every {@code job.checkpointEvery()} from now on. */
    void schedule(JobRecord job, long epoch) throws Exception;

    void unschedule(long jobId) throws Exception;

    /** When the job's next interval checkpoint is due, if it has one. */
    Optional<Instant> next(long jobId) throws Exception;
}
