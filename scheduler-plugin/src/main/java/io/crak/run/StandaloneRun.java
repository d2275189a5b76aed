package io.crak.run;

import io.crak.core.CheckpointEngine;
import io.crak.job.JobLauncher;
import io.crak.job.JobRestorer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Wires {@code crak run}: the engine, the repository on the storage root, the launcher, the supervisor. */
public final class StandaloneRun implements Callable<Integer> {
    /** Quartz logs every start and stop at INFO; crak run prints its own progress instead. */
    static final String QUARTZ_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.org.quartz";
    static final String QUARTZ_LOG_LEVEL = "warn";

    private final RunConfig config;
    private final PrintWriter err;

    public StandaloneRun(RunConfig config, PrintWriter err) {
        this.config = config;
        this.err = err;
    }

    /** Runs the job to its end; its exit status. */
    @Override
    public Integer call() throws Exception {
        if (System.getProperty(QUARTZ_LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(QUARTZ_LOG_LEVEL_PROPERTY, QUARTZ_LOG_LEVEL);
        }
        RunProgress progress = new RunProgress(err);
        CheckpointEngine engine = new CheckpointEngine();
        JobSupervisor supervisor = new JobSupervisor(config, engine, JobLauncher.withBundledInit(),
                JobRestorer.withBundledInit(engine), progress);
        return supervisor.run();
    }
}
