package io.crak.job;

import io.crak.core.proc.StatParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A job whose processes run now, launched or restored: its root (crak-init) and its cgroup. The
 * root is our child (or was reparented to us, as a restored root is), so its exit status comes
 * from our reaper.
 */
public final class RunningJob {
    private final String name;
    private final int rootPid;
    private final JobCgroup cgroup;
    private final CompletableFuture<JobExit> exit;

    public RunningJob(String name, int rootPid, JobCgroup cgroup, CompletableFuture<JobExit> exit) {
        this.name = name;
        this.rootPid = rootPid;
        this.cgroup = cgroup;
        this.exit = exit;
    }

    public String name() {
        return name;
    }

    /** crak-init's pid: the root of the tree the engine dumps. */
    public int rootPid() {
        return rootPid;
    }

    public JobCgroup cgroup() {
        return cgroup;
    }

    /** Completes when the root has ended and was reaped (its pid is free again). */
    public CompletableFuture<JobExit> exit() {
        return exit;
    }

    /** Whether the root still runs (not ended, not a zombie waiting to be noticed). */
    public boolean rootAlive() {
        if (exit.isDone()) {
            return false;
        }
        try {
            return !StatParser.parse(Files.readString(Path.of("/proc/" + rootPid + "/stat"))).isExited();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Every process of the job now. */
    public List<Integer> pids() throws IOException {
        return cgroup.pids();
    }

    /** Asks the job to end: SIGTERM to crak-init, which forwards it to the command's group. */
    public void terminate() {
        if (!exit.isDone()) { // once reaped, the pid may belong to someone else
            ProcessHandle.of(rootPid).ifPresent(ProcessHandle::destroy);
        }
    }

    /**
     * SIGKILLs every process of the job through its cgroup and waits until all are gone and the
     * root is reaped, so that their pids are free for a restore.
     */
    public JobExit kill(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        cgroup.kill();
        if (!cgroup.awaitEmpty(timeout)) {
            throw new IOException("job " + name + ": cgroup " + cgroup + " still holds " + cgroup.pids()
                    + " " + timeout.toMillis() + " ms after cgroup.kill");
        }
        try {
            return exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("job " + name + ": root pid " + rootPid + " was not reaped within "
                    + timeout.toMillis() + " ms after cgroup.kill");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("job " + name + ": interrupted while killing it");
        } catch (ExecutionException e) {
            throw new IOException("job " + name + ": watching root pid " + rootPid + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public String toString() {
        return "job " + name + " (root pid " + rootPid + ", cgroup " + cgroup + ")";
    }
}
