package io.crak.agent;

import io.crak.job.RunningJob;
import io.crak.cluster.JobRecord;
import java.util.function.BooleanSupplier;

/**
 * What the agent needs to run a job on its node: launch it as its owner, restore it from a
 * generation, checkpoint it. Implemented over Crak's job launcher, engine and checkpoint
 * repository ({@link EngineJobRuntime}); the controller's logic sees only this.
 */
public interface JobRuntime {
    /** Starts the job from the beginning, as its owner, output to files in its job directory. */
    RunningJob launch(JobRecord job) throws Exception;

    /** Restores the job from {@code generation} (which the repository verifies first). */
    RunningJob restore(JobRecord job, long generation) throws Exception;

    /**
     * Checkpoints the running job (it keeps running) and returns the committed generation.
     * {@code stillOwner} is asked right before the generation is committed: when it says no (this
     * node lost the job), the generation is abandoned, not committed.
     */
    long checkpoint(JobRecord job, RunningJob running, BooleanSupplier stillOwner) throws Exception;

    /** Keeps the configured number of generations of the job (and whatever they need); returns those removed. */
    java.util.List<Long> applyRetention(JobRecord job) throws Exception;
}
