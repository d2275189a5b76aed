package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real jobs started through crak-init in real cgroups; this JVM reaps them as a subreaper. */
@Tag("integration")
class JobLauncherTest {
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static JobLauncher launcher;

    @TempDir
    Path dir;
    private final String cgroupName = "launcher-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @BeforeAll
    static void setUp() throws IOException {
        ChildReaper.get();
        launcher = JobLauncher.withBundledInit();
    }

    @AfterEach
    void removeCgroup() throws IOException {
        JobCgroup.named(cgroupName).killAndRemove(TIMEOUT);
    }

    private JobSpec spec(NamespaceMode ns, String... command) {
        return new JobSpec("test-job", List.of(command), dir, ns, JobOutput.files(dir), cgroupName, Optional.empty());
    }

    private static JobExit exitOf(RunningJob job) throws Exception {
        return job.exit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void runsTheCommandInItsCgroupWithFilesAsOutput() throws Exception {
        RunningJob job = launcher.launch(spec(NamespaceMode.HOST, "sh", "-c",
                "echo $CRAK_JOB $(pwd); grep '^0::' /proc/self/cgroup; read x; echo read=$? >&2; exit 5"));
        assertEquals(JobExit.exited(5), exitOf(job));
        String rel = JobCgroup.cgroup2Mount().relativize(job.cgroup().path()).toString();
        assertEquals("test-job " + dir + "\n0::/" + rel + "\n", Files.readString(dir.resolve(JobOutput.STDOUT_FILE)));
        // stdin is /dev/null: read sees end of file
        assertEquals("read=1\n", Files.readString(dir.resolve(JobOutput.STDERR_FILE)));
    }

    @Test
    void killEndsEveryProcessOfTheJob() throws Exception {
        RunningJob job = launcher.launch(spec(NamespaceMode.HOST, "sh", "-c", "sleep 60 & sleep 60 & wait"));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (job.pids().size() < 4) { // crak-init, sh, two sleeps
            assertTrue(System.nanoTime() < deadline, "job processes " + job.pids());
            Thread.sleep(10);
        }
        List<Integer> pids = job.pids();
        assertTrue(pids.contains(job.rootPid()));
        assertEquals(JobExit.killed(JobExit.SIGKILL), job.kill(TIMEOUT));
        assertTrue(job.pids().isEmpty());
        // orphans were reparented to this JVM; its ChildReaper reaps them after a grace period
        for (int pid : pids) {
            while (Files.exists(Path.of("/proc/" + pid))) {
                assertTrue(System.nanoTime() < deadline, "pid " + pid + " still exists");
                Thread.sleep(10);
            }
        }
    }

    @Test
    void terminateReachesTheCommand() throws Exception {
        RunningJob job = launcher.launch(spec(NamespaceMode.HOST, "sh", "-c", "echo up; sleep 60 & wait"));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (Files.readString(dir.resolve(JobOutput.STDOUT_FILE)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline);
            Thread.sleep(10);
        }
        job.terminate();
        assertEquals(128 + 15, exitOf(job).status());
    }

    @Test
    void refusesASecondCopyInTheSameCgroup() throws Exception {
        RunningJob first = launcher.launch(spec(NamespaceMode.HOST, "sleep", "60"));
        IOException e = assertThrows(IOException.class, () -> launcher.launch(spec(NamespaceMode.HOST, "true")));
        assertTrue(e.getMessage().contains("another copy of the job is running"), e.getMessage());
        first.kill(TIMEOUT);
    }

    @Test
    void runsAsTheJobsUser() throws Exception {
        JobSpec asNobody = new JobSpec("test-job", List.of("sh", "-c", "echo $(id -u) $(id -g) $(id -G)"), dir,
                NamespaceMode.HOST, JobOutput.files(dir), cgroupName, Optional.of(new JobUser(65534, 65534)));
        RunningJob job = launcher.launch(asNobody);
        assertEquals(JobExit.exited(0), exitOf(job));
        assertEquals("65534 65534 65534\n", Files.readString(dir.resolve(JobOutput.STDOUT_FILE)));
    }

    @Test
    void pidNamespaceMode() throws Exception {
        RunningJob job = launcher.launch(spec(NamespaceMode.PID_NAMESPACE, "sh", "-c", "echo $$; exit 4"));
        assertEquals(JobExit.exited(4), exitOf(job));
        assertEquals("2\n", Files.readString(dir.resolve(JobOutput.STDOUT_FILE)));
    }
}
