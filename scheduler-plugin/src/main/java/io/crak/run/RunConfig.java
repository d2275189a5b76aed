package io.crak.run;

import io.crak.job.NamespaceMode;
import io.crak.storage.Compression;
import io.crak.storage.JobName;
import io.crak.storage.StorageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything {@code crak run} needs, validated once. Either a new job ({@code command} non-empty)
 * or the resumption of an existing one ({@code resumeJob}). Bad values are rejected with a message
 * naming the setting; nothing is clamped.
 *
 * @param command the job's command line (empty when resuming)
 * @param jobName the job's name; empty means a default from the command and a counter
 * @param resumeJob the job to resume from its latest consistent generation
 * @param checkpointEvery interval between checkpoints; empty when resuming means "as recorded"
 * @param storageRoot where generations and the job directory live
 * @param keepGenerations how many newest generations retention keeps; empty means the default
 *     for a new job and the recorded value when resuming
 * @param compression of new generations; empty like {@code keepGenerations}
 * @param namespace pid namespace mode of the job (used for a new job; a resumed one keeps its recorded mode)
 * @param maxRestartsWithoutProgress restarts in a row without a new generation in between after
 *     which the job is given up (it keeps dying before it can be checkpointed)
 * @param workDir the job's working directory
 */
public record RunConfig(List<String> command, Optional<String> jobName, Optional<String> resumeJob,
        Optional<Duration> checkpointEvery, Path storageRoot, OptionalInt keepGenerations, Optional<Compression> compression,
        NamespaceMode namespace, int maxRestartsWithoutProgress, Path workDir) {
    /** Shorter intervals would keep a job frozen a large part of the time for no benefit. */
    public static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    public static final Path DEFAULT_STORAGE_ROOT = StorageConfig.DEFAULT_ROOT;
    public static final int DEFAULT_KEEP_GENERATIONS = StorageConfig.DEFAULT_KEEP_GENERATIONS;
    public static final Compression DEFAULT_COMPRESSION = Compression.NONE;
    /**
     * A fresh pid namespace per job: the job's pids are then namespace pids, free on any node and
     * at any time, so a restore never waits for (or fails on) a host pid the job once had and some
     * other process holds now. The host mode needs exactly those host pids back.
     */
    public static final NamespaceMode DEFAULT_NAMESPACE = NamespaceMode.PID_NAMESPACE;
    public static final int DEFAULT_MAX_RESTARTS_WITHOUT_PROGRESS = 5;

    public RunConfig {
        command = List.copyOf(command);
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(resumeJob, "resumeJob");
        Objects.requireNonNull(checkpointEvery, "checkpointEvery");
        Objects.requireNonNull(storageRoot, "storageRoot");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(workDir, "workDir");
        if (resumeJob.isPresent() == !command.isEmpty()) {
            throw new IllegalArgumentException(resumeJob.isPresent()
                    ? "--resume takes the job from storage: give no command"
                    : "a command is required after -- (or --resume JOB)");
        }
        if (resumeJob.isPresent() && jobName.isPresent()) {
            throw new IllegalArgumentException("--name and --resume exclude each other: --resume names the job");
        }
        jobName.ifPresent(JobName::validate);
        resumeJob.ifPresent(JobName::validate);
        if (resumeJob.isEmpty() && checkpointEvery.isEmpty()) {
            throw new IllegalArgumentException("--checkpoint-every is required for a new job");
        }
        checkpointEvery.ifPresent(d -> {
            if (d.compareTo(MIN_CHECKPOINT_INTERVAL) < 0) {
                throw new IllegalArgumentException("--checkpoint-every " + d.toMillis() + " ms is below the minimum of "
                        + MIN_CHECKPOINT_INTERVAL.toMillis() + " ms");
            }
        });
        if (!storageRoot.isAbsolute()) {
            throw new IllegalArgumentException("storage root " + storageRoot + " must be an absolute path");
        }
        Objects.requireNonNull(keepGenerations, "keepGenerations");
        keepGenerations.ifPresent(k -> {
            if (k < 1) {
                throw new IllegalArgumentException("--keep " + k + ": at least 1 generation must be kept");
            }
        });
        if (maxRestartsWithoutProgress < 0) {
            throw new IllegalArgumentException("--max-restarts " + maxRestartsWithoutProgress + " must be >= 0");
        }
        if (!workDir.isAbsolute()) {
            throw new IllegalArgumentException("working directory " + workDir + " must be an absolute path");
        }
    }

    /** A new job with every default. */
    public static RunConfig newJob(List<String> command, Duration checkpointEvery) {
        return new RunConfig(command, Optional.empty(), Optional.empty(), Optional.of(checkpointEvery),
                DEFAULT_STORAGE_ROOT, OptionalInt.empty(), Optional.empty(), DEFAULT_NAMESPACE,
                DEFAULT_MAX_RESTARTS_WITHOUT_PROGRESS, Path.of("").toAbsolutePath());
    }

    public boolean resuming() {
        return resumeJob.isPresent();
    }

}
