package io.crak.job;

import io.crak.core.ChildReaper;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts jobs: {@code crak-init [--pidns] --cgroup DIR [--user U:G] --parent OURPID --detach PIDFILE
 * -- CMD...} in a fresh cgroup, stdin from /dev/null, stdout/stderr as the spec says.
 *
 * <p>The process started forks the job's init and exits; this JVM, a child subreaper through the
 * engine's {@link ChildReaper}, adopts the init. So the job's root is never a java.lang.Process,
 * whose reaper thread would wait for it and swallow the ptrace stops the engine needs to dump it,
 * and a launched root is watched exactly like a restored one. The init arms PR_SET_PDEATHSIG so a
 * job dies with its supervisor.
 */
public final class JobLauncher {
    /** Exported to every job, so it (and its tests) can tell it runs under Crak. */
    public static final String JOB_ENV = "CRAK_JOB";
    /** How long crak-init may take to fork the init and detach, and the init to show in the cgroup. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final Path crakInit;

    public JobLauncher(Path crakInit) {
        this.crakInit = crakInit;
    }

    /** A launcher with the crak-init of this build or installation. */
    public static JobLauncher withBundledInit() throws IOException {
        return new JobLauncher(CrakInitBinary.locate());
    }

    /**
     * Creates the job's cgroup (it must hold no process: another copy of the job may be running)
     * and starts crak-init in it.
     */
    public RunningJob launch(JobSpec spec) throws IOException {
        JobCgroup cgroup = JobCgroup.named(spec.cgroupName()).create();
        if (cgroup.populated()) {
            throw new IOException("job " + spec.name() + ": cgroup " + cgroup + " still holds pids " + cgroup.pids()
                    + " (another copy of the job is running)");
        }
        ChildReaper.get(); // the detached init must be adopted by this JVM
        Path pidFile = Files.createTempFile("crak-init-", ".pid");
        ProcessBuilder pb = new ProcessBuilder(initCommand(spec, cgroup, pidFile))
                .directory(spec.workDir().toFile())
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(spec.output().stdout())
                .redirectError(spec.output().stderr());
        pb.environment().put(JOB_ENV, spec.name());
        Process launcherProcess;
        try {
            launcherProcess = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(pidFile);
            throw new IOException("job " + spec.name() + ": starting " + crakInit + " failed: " + e.getMessage(), e);
        }
        int pid = detachedInitPid(spec.name(), launcherProcess, pidFile);
        CompletableFuture<JobExit> exit = RootExitWatch.of(pid);
        awaitInCgroup(spec.name(), pid, exit, cgroup);
        return new RunningJob(spec.name(), pid, cgroup, exit);
    }

    /** The started crak-init forks the real init, writes its pid and exits at once. */
    private static int detachedInitPid(String job, Process launcherProcess, Path pidFile) throws IOException {
        try {
            if (!launcherProcess.waitFor(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                launcherProcess.destroyForcibly();
                throw new IOException("job " + job + ": crak-init pid " + launcherProcess.pid() + " did not detach within "
                        + JOIN_TIMEOUT.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("job " + job + ": interrupted while starting it");
        }
        if (launcherProcess.exitValue() != 0) {
            throw new IOException("job " + job + ": crak-init exited " + launcherProcess.exitValue()
                    + " before starting the job (its reason is on the job's stderr)");
        }
        try {
            return Integer.parseInt(Files.readString(pidFile).strip());
        } catch (NumberFormatException e) {
            throw new IOException("job " + job + ": pid file " + pidFile + " holds no pid", e);
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    /**
     * crak-init is born in the cgroup (the launcher joined it before forking); this makes sure, and
     * that a kill through the cgroup or the check against a second copy sees the job.
     */
    private static void awaitInCgroup(String job, int pid, CompletableFuture<JobExit> exit, JobCgroup cgroup)
            throws IOException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        while (!cgroup.pids().contains(pid) && !exit.isDone()) {
            if (System.nanoTime() - deadline > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                throw new IOException("job " + job + ": crak-init pid " + pid + " did not join cgroup " + cgroup
                        + " within " + JOIN_TIMEOUT.toMillis() + " ms");
            }
            try {
                Thread.sleep(JobCgroup.EMPTY_POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("job " + job + ": interrupted waiting for crak-init pid " + pid);
            }
        }
    }

    List<String> initCommand(JobSpec spec, JobCgroup cgroup, Path pidFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(crakInit.toString());
        if (spec.namespace() != NamespaceMode.HOST) {
            cmd.add("--pidns");
        }
        if (spec.namespace() == NamespaceMode.PID_AND_NET_NAMESPACE) {
            cmd.add("--netns");
        }
        cmd.add("--cgroup");
        cmd.add(cgroup.path().toString());
        spec.user().ifPresent(u -> {
            cmd.add("--user");
            cmd.add(u.uid() + ":" + u.gid());
        });
        cmd.add("--parent");
        cmd.add(Long.toString(ProcessHandle.current().pid()));
        cmd.add("--detach");
        cmd.add(pidFile.toString());
        cmd.add("--");
        cmd.addAll(spec.command());
        return cmd;
    }
}
