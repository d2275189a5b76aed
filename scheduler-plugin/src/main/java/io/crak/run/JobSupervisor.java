package io.crak.run;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.DumpResult;
import io.crak.job.JobCgroup;
import io.crak.job.JobExit;
import io.crak.job.JobLauncher;
import io.crak.job.JobOutput;
import io.crak.job.JobRestorer;
import io.crak.job.JobSpec;
import io.crak.job.NamespaceMode;
import io.crak.job.RunningJob;
import io.crak.storage.CheckpointRepository;
import io.crak.storage.Generation;
import io.crak.storage.GenerationInfo;
import io.crak.storage.GenerationReader;
import io.crak.storage.GenerationWriter;
import io.crak.storage.StorageConfig;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The heart of {@code crak run}: starts (or resumes) one job, checkpoints it whenever the trigger
 * fires, restarts it from the latest consistent generation whenever it is killed from outside, and
 * returns the job's own exit status once it ends by itself.
 *
 * <p>Checkpoints and restarts exclude each other (one lock): a restart waits for a checkpoint in
 * progress to fail or commit, and a checkpoint never sees a half-restored job.
 */
public final class JobSupervisor {
    /** How long the job's processes may take to disappear after cgroup.kill. */
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    /** How often a pid the restore needs is looked at until it is free. */
    static final Duration PID_POLL_INTERVAL = Duration.ofMillis(10);

    private final RunConfig config;
    private final CheckpointEngine engine;
    private CheckpointRepository repository;
    private final JobLauncher launcher;
    private final JobRestorer restorer;
    private final RunProgress progress;
    private final ReentrantLock lock = new ReentrantLock();
    private JobDirectory directory;
    /** Held for the life of this process; the kernel releases it when we die. */
    @SuppressWarnings("unused")
    private FileLock supervisionLock;
    private JobRecord record;
    private volatile RunningJob current;
    private volatile boolean over;
    private volatile boolean shuttingDown;
    private long latestGeneration = -1;
    private int restartsWithoutProgress;

    JobSupervisor(RunConfig config, CheckpointEngine engine, JobLauncher launcher, JobRestorer restorer,
            RunProgress progress) {
        this.config = config;
        this.engine = engine;
        this.launcher = launcher;
        this.restorer = restorer;
        this.progress = progress;
    }

    /** Runs the job to its end; returns its exit status (code, or 128+signal). */
    public int run() throws Exception {
        if (config.resuming()) {
            resume();
        } else {
            start();
        }
        Thread hook = new Thread(this::killOnShutdown, "crak-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CheckpointTrigger trigger = CheckpointTrigger.start(record.name(), record.checkpointEvery(),
                this::checkpoint)) {
            return superviseUntilEnd();
        } finally {
            over = true;
        }
    }

    private void start() throws IOException {
        directory = JobDirectory.createNew(config.storageRoot(), config.jobName(), config.command());
        supervisionLock = directory.lockForSupervision();
        record = new JobRecord(directory.name(), config.command(), config.workDir(), config.checkpointEvery().get(),
                config.keepGenerations().orElse(RunConfig.DEFAULT_KEEP_GENERATIONS),
                config.compression().orElse(RunConfig.DEFAULT_COMPRESSION), config.namespace(), directory.cgroupName(),
                uidOfThisProcess());
        record.write(directory.path());
        openRepository();
        current = launch();
        progress.started(record.name(), current.rootPid(), directory.path().toString());
    }

    private void resume() throws IOException, CrakException {
        directory = JobDirectory.existing(config.storageRoot(), config.resumeJob().get());
        supervisionLock = directory.lockForSupervision();
        Optional<String> finished = directory.finished();
        if (finished.isPresent()) {
            throw new IOException("job " + directory.name() + " has already finished (" + finished.get()
                    + "): there is nothing to resume");
        }
        JobRecord recorded = JobRecord.read(directory.path());
        record = new JobRecord(recorded.name(), recorded.command(), recorded.workDir(),
                config.checkpointEvery().orElse(recorded.checkpointEvery()),
                config.keepGenerations().orElse(recorded.keepGenerations()),
                config.compression().orElse(recorded.compression()), recorded.namespace(), recorded.cgroupName(),
                recorded.ownerUid());
        record.write(directory.path());
        openRepository();
        // a crashed predecessor may have left part of the job running: it must not run twice
        JobCgroup cgroup = JobCgroup.named(record.cgroupName());
        if (cgroup.populated()) {
            progress.line("job " + record.name() + ": killing pids " + cgroup.pids() + " left in " + cgroup
                    + " by a previous crak run");
            cgroup.kill();
            if (!cgroup.awaitEmpty(KILL_TIMEOUT)) {
                throw new IOException("job " + record.name() + ": cgroup " + cgroup + " still holds " + cgroup.pids()
                        + " " + KILL_TIMEOUT.toMillis() + " ms after cgroup.kill");
            }
        }
        repository.removeAbandoned(record.name());
        current = restartFromLatest();
    }

    private void openRepository() throws IOException {
        repository = CheckpointRepository.open(StorageConfig.builder(config.storageRoot())
                .compression(record.compression()).keepGenerations(record.keepGenerations()).build(),
                skipped -> progress.line("job " + record.name() + ": " + skipped));
    }

    private RunningJob launch() throws IOException {
        JobOutput output = JobOutput.followingThisProcess(directory.path());
        output.note().ifPresent(n -> progress.line("job " + record.name() + ": " + n));
        return launcher.launch(new JobSpec(record.name(), record.command(), record.workDir(), record.namespace(),
                output, record.cgroupName(), Optional.empty()));
    }

    private int superviseUntilEnd() throws IOException, CrakException {
        while (true) {
            RunningJob running = current;
            JobExit exit;
            try {
                exit = running.exit().join();
            } catch (CompletionException e) {
                throw new IOException("job " + record.name() + ": watching root pid " + running.rootPid()
                        + " failed: " + e.getCause().getMessage(), e.getCause());
            }
            lock.lock();
            try {
                // whatever is left of the job goes, so that its pids are free for a restore
                running.kill(KILL_TIMEOUT);
                current = null;
                if (!killedFromOutside(exit)) {
                    running.cgroup().killAndRemove(KILL_TIMEOUT);
                    directory.recordFinished(exit);
                    progress.finished(record.name(), exit);
                    return exit.status();
                }
                if (shuttingDown) {
                    return exit.status(); // killed by our own shutdown: resumed later with --resume
                }
                progress.killed(record.name(), exit);
                if (restartsWithoutProgress >= config.maxRestartsWithoutProgress()) {
                    progress.line("job " + record.name() + " gave up: killed " + (restartsWithoutProgress + 1)
                            + " times in a row without a new checkpoint in between (--max-restarts "
                            + config.maxRestartsWithoutProgress() + ")");
                    return exit.status();
                }
                restartsWithoutProgress++;
                current = restartFromLatest();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A job killed by SIGKILL (crak-init itself, or its command: OOM killer, kill -9, the death
     * of the whole node's processes) did not end by itself. Any other end, including death by
     * another signal the job may have raised itself, is the job's own result. (crak-init forwards
     * SIGTERM/SIGINT/SIGHUP and reports its command's death by signal N as 128+N, so only SIGKILL
     * can end the job without the job having a say.)
     */
    static boolean killedFromOutside(JobExit exit) {
        return exit.status() == JobExit.SIGNAL_STATUS_BASE + JobExit.SIGKILL;
    }

    /**
     * Restores the latest consistent generation. Should the engine fail on it, older committed
     * generations are tried, newest first (each is verified before use): a job continued from
     * further back is better than a job given up. With no usable generation the job starts again
     * from the beginning only if it never had one.
     */
    private RunningJob restartFromLatest() throws IOException, CrakException {
        Optional<Generation> latest = repository.latestConsistent(record.name());
        if (latest.isEmpty()) {
            RunningJob job = launch();
            progress.rerun(record.name(), job.rootPid());
            return job;
        }
        List<Long> candidates = new ArrayList<>(repository.generations(record.name()));
        candidates.removeIf(n -> n > latest.get().number());
        Collections.reverse(candidates);
        String failures = "";
        for (long number : candidates) {
            long t0 = System.nanoTime();
            try (GenerationReader source = repository.open(record.name(), number)) {
                if (record.namespace() == NamespaceMode.HOST) {
                    awaitPidsFree(source.generation().manifest().processes());
                }
                RunningJob job = restorer.restore(record.name(), record.ownerUid(), JobCgroup.named(record.cgroupName()),
                        source);
                latestGeneration = number;
                progress.restored(record.name(), number, job.rootPid(), Duration.ofNanos(System.nanoTime() - t0));
                return job;
            } catch (CrakException | IOException e) {
                progress.line("job " + record.name() + ": restoring generation " + number + " failed: " + oneLine(e));
                failures = failures.isEmpty() ? oneLine(e) : failures;
            }
        }
        throw new CrakException("job " + record.name() + ": no generation could be restored (the latest, "
                + latest.get().number() + ": " + failures + "); retry with crak run --resume " + record.name());
    }

    /**
     * The dead job's processes may still be zombies for a moment; a restore in the host pid
     * namespace needs their pids (a pid-namespace restore needs no particular host pid).
     */
    private void awaitPidsFree(List<Integer> pids) throws IOException {
        long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
        for (int pid : pids) {
            while (Files.exists(Path.of("/proc/" + pid))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("job " + record.name() + ": pid " + pid + " is still in use "
                            + KILL_TIMEOUT.toMillis() + " ms after the job died; the restore needs it");
                }
                try {
                    Thread.sleep(PID_POLL_INTERVAL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("job " + record.name() + ": interrupted waiting for pid " + pid + " to be free");
                }
            }
        }
    }

    /** Called by the trigger: one generation, or one line saying why not. */
    void checkpoint() {
        lock.lock();
        try {
            RunningJob running = current;
            if (running == null || running.exit().isDone() || shuttingDown || !running.rootAlive()) {
                // ended, dying (a dead root's tree is no state to restore) or being restarted
                return;
            }
            long t0 = System.nanoTime();
            try (GenerationWriter writer = repository.begin(record.name(),
                    GenerationInfo.builder().processes(running.pids()).label("root-pid",
                            Integer.toString(running.rootPid())).build())) {
                SizeCountingSink sink = new SizeCountingSink(writer);
                long[] committed = {-1};
                // committed by the engine while it still holds the tree, before it lets it go
                DumpResult result = engine.dump(DumpRequest.of(running.rootPid(), true), sink,
                        () -> committed[0] = writer.commit());
                long generation = committed[0];
                latestGeneration = generation;
                restartsWithoutProgress = 0;
                progress.checkpointed(record.name(), generation, sink.bytes(), result.frozen(),
                        Duration.ofNanos(System.nanoTime() - t0));
            } catch (CrakException | IOException | RuntimeException e) {
                progress.checkpointFailed(record.name(), oneLine(e), latestGeneration < 0
                        ? "no generation yet" : "generation " + latestGeneration + " stays the latest");
                return;
            }
            try {
                repository.applyRetention(record.name());
            } catch (IOException | RuntimeException e) {
                progress.line("job " + record.name() + ": retention failed: " + oneLine(e));
            }
        } finally {
            lock.unlock();
        }
    }

    /** crak run itself is ending (SIGINT, SIGTERM): its job must not run on unsupervised. */
    private void killOnShutdown() {
        shuttingDown = true;
        RunningJob running = current;
        if (over || running == null) {
            return;
        }
        try {
            running.cgroup().kill();
            progress.line("job " + record.name() + " killed because crak run is ending; continue it with "
                    + "'crak run --resume " + record.name() + (config.storageRoot().equals(RunConfig.DEFAULT_STORAGE_ROOT)
                    ? "" : " --storage " + config.storageRoot()) + "'");
        } catch (IOException e) {
            progress.line("job " + record.name() + ": could not kill it on exit: " + oneLine(e));
        }
    }

    /**
     * The job owner of {@code crak run}: the user running it, whose credentials the job runs with
     * (the owner of /proc/self is this process's effective uid).
     */
    static int uidOfThisProcess() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m).replace('\n', ' ').strip();
    }

}
