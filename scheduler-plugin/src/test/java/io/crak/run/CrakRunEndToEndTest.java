package io.crak.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.job.JobCgroup;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import io.crak.samples.SampleJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The product test: {@code crak run} on the sample jobs with a 1 s interval, the job SIGKILLed
 * (every pid of its cgroup) at random moments, then crak run's own JVM SIGKILLed and the job taken
 * over by {@code crak run --resume}: the final checksum must equal the uninterrupted run's. Jobs
 * run in their own pid namespace (the default) except one in the host's and one that also has a
 * network namespace of its own (TCP over its loopback), so every mode stays tested; one more test
 * shows what the pid namespace is for.
 */
@Tag("integration")
class CrakRunEndToEndTest {
    /** Kills of the job's processes per run, before the crash of crak run itself. */
    static final int JOB_KILLS = 2;
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @AfterEach
    void removeCgroups() throws Exception {
        CrakRunProcess.removeJobCgroups(dir.resolve("storage"));
    }

    @BeforeAll
    static void becomeSubreaper() {
        // orphans of killed jobs (and of the killed crak run) come to us: they must be reaped
        ChildReaper.get();
    }

    /**
     * Parameters for about 6 s of work on a 2-core machine: room for several checkpoints and kills;
     * and crak run options beyond the defaults, to exercise them too.
     */
    static Stream<Arguments> jobs() {
        return Stream.of(
                Arguments.of(SampleJob.MT_COMPUTE, List.of("--steps", "60000", "--cells", "4096"), List.of()),
                Arguments.of(SampleJob.PROC_TREE, List.of("--rounds", "6000", "--work", "100000"),
                        List.of("--keep", "1", "--namespace", "host")),
                Arguments.of(SampleJob.MEMHOG, List.of("--mib", "32", "--passes", "400", "--untouched-mib", "64"),
                        List.of("--compress", "zstd", "--keep", "2")),
                // TCP over the loopback of a network namespace of the job's own, rebuilt at each restore
                Arguments.of(SampleJob.STENCIL_SOCKET, List.of("--transport", "tcp", "--steps", "24000", "--rows", "512",
                        "--cols", "512", "--workers", "2"), List.of("--namespace", "pidns+netns")));
    }

    @ParameterizedTest
    @MethodSource("jobs")
    void finalChecksumSurvivesKillsAndACrashOfCrakRun(SampleJob sample, List<String> args, List<String> options)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(SampleJobs.binary(sample).toString());
        command.addAll(args);
        String expected = uninterrupted(command);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path storage = dir.resolve("storage");
        Path out = dir.resolve("job.out");
        Path err = dir.resolve("crak.err");
        String job = sample.binaryName();
        List<String> runArgs = new ArrayList<>(List.of("--checkpoint-every", "1s", "--storage", storage.toString(),
                "--name", job));
        runArgs.addAll(options);
        runArgs.add("--");
        runArgs.addAll(command);
        String context = "seed " + seed + ", " + job;
        int restarts = 0;
        try (CrakRunProcess run = CrakRunProcess.start(out, err, runArgs)) {
            for (int kill = 0; kill < JOB_KILLS; kill++) {
                awaitNewGeneration(run, job);
                Thread.sleep(random.nextInt(1000));
                List<Integer> killed = killEveryProcess(storage, job);
                run.awaitLine("job " + job + " (restored from generation|has no consistent generation)", restarts++);
                assertTrue(!killed.isEmpty(), context);
            }
            awaitNewGeneration(run, job);
            Thread.sleep(random.nextInt(1000));
            run.killJvm();
        }
        // the job dies with crak run (PR_SET_PDEATHSIG); --resume kills whatever is left of it
        try (CrakRunProcess resumed = CrakRunProcess.start(dir.resolve("resume.out"), err,
                List.of("--resume", job, "--storage", storage.toString()))) {
            int status = resumed.awaitExit(RUN_TIMEOUT);
            assertEquals(0, status, context + ":\n" + resumed.stderrText());
            assertEquals(expected, Checksums.read(out), context + ":\n" + resumed.stderrText());
            assertTrue(JobCgroup.named(cgroupOf(storage, job)).pids().isEmpty(), "job ended: nothing left running");
            int keep = options.contains("--keep") ? Integer.parseInt(options.get(options.indexOf("--keep") + 1))
                    : RunConfig.DEFAULT_KEEP_GENERATIONS;
            try (Stream<Path> gens = Files.list(storage.resolve(job))) {
                long kept = gens.filter(p -> p.getFileName().toString().startsWith("gen-")).count();
                assertTrue(kept >= 1 && kept <= keep, kept + " generations kept, --keep " + keep);
            }
        }
    }

    /**
     * What the pid namespace is for: the job's init held host pid P; after crak run and the job
     * were killed, a decoy process takes P, so a host-namespace restore would be refused. The
     * pid-namespace job is resumed all the same, every process with its namespace pid as before,
     * and ends with the uninterrupted run's checksum.
     */
    @Test
    void aPidNamespaceJobGetsItsPidsBackWhileItsOldHostPidIsTaken() throws Exception {
        List<String> command = SampleJob.STENCIL_PIPE.command(List.of("--workers", "2", "--steps", "10000"));
        String expected = uninterrupted(command);
        Path storage = dir.resolve("storage");
        Path out = dir.resolve("job.out");
        Path err = dir.resolve("crak.err");
        String job = "ns-pids";
        // crak-init (namespace pid 1), the coordinator and its 2 workers, all alive the whole run
        int processes = 4;
        List<String> runArgs = new ArrayList<>(List.of("--checkpoint-every", "1s", "--storage", storage.toString(),
                "--name", job, "--namespace", "pidns", "--"));
        runArgs.addAll(command);
        List<NamespacePid> before;
        try (CrakRunProcess run = CrakRunProcess.start(out, err, runArgs)) {
            awaitNewGeneration(run, job);
            before = namespacePids(storage, job, processes);
            awaitNewGeneration(run, job); // the generation resumed below was taken after `before`
            run.killJvm();
        }
        List<Integer> killed = CrakRunProcess.killJob(storage, job); // what PR_SET_PDEATHSIG has not yet
        awaitGone(before.stream().map(NamespacePid::hostPid).toList());
        int oldInitHostPid = before.get(0).hostPid();
        assertEquals(1, before.get(0).nsPid(), before.toString());
        Process decoy = takePid(oldInitHostPid);
        try (CrakRunProcess resumed = CrakRunProcess.start(dir.resolve("resume.out"), err,
                List.of("--resume", job, "--storage", storage.toString()))) {
            resumed.awaitLine("job " + job + " restored from generation", 0);
            List<NamespacePid> after = namespacePids(storage, job, processes);
            assertEquals(before.stream().map(p -> p.nsPid() + " " + p.comm()).toList(),
                    after.stream().map(p -> p.nsPid() + " " + p.comm()).toList(),
                    "namespace pids after the restore (before: " + before + ", after: " + after + ", killed " + killed + ")");
            assertTrue(after.get(0).hostPid() != oldInitHostPid, "the decoy holds host pid " + oldInitHostPid);
            assertEquals(0, resumed.awaitExit(RUN_TIMEOUT), resumed.stderrText());
            assertEquals(expected, Checksums.read(out), resumed.stderrText());
        } finally {
            decoy.destroyForcibly();
            decoy.waitFor();
        }
    }

    /** A process of the job: its pid in the job's namespace, on the host, and its name. */
    record NamespacePid(int nsPid, int hostPid, String comm) {
    }

    /**
     * The job's processes by namespace pid, once its cgroup holds {@code expected} of them (a
     * checkpoint in progress may have them in the freezer's cgroup for a moment).
     */
    private static List<NamespacePid> namespacePids(Path storage, String job, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<NamespacePid> found = List.of();
        while (System.nanoTime() < deadline) {
            try {
                List<NamespacePid> now = new ArrayList<>();
                for (int pid : CrakRunProcess.jobPids(storage, job)) {
                    String nspid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                            .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow().substring(6).strip();
                    String[] f = nspid.split("\\s+");
                    assertEquals(2, f.length, "pid " + pid + " is one namespace below the host's: NSpid " + nspid);
                    now.add(new NamespacePid(Integer.parseInt(f[1]), pid,
                            Files.readString(Path.of("/proc/" + pid + "/comm")).strip()));
                }
                now.sort(java.util.Comparator.comparingInt(NamespacePid::nsPid));
                found = now;
                if (now.size() == expected) {
                    return now;
                }
            } catch (java.io.IOException e) {
                // a process exited (or the cgroup is being recreated) meanwhile: look again
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + job + ": not " + expected + " processes in its cgroup: " + found);
    }

    private static void awaitGone(List<Integer> pids) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int pid : pids) {
            while (Files.exists(Path.of("/proc/" + pid))) {
                assertTrue(System.nanoTime() < deadline, "pid " + pid + " still exists after the kill");
                Thread.sleep(10);
            }
        }
    }

    /**
     * A decoy process with exactly host pid {@code pid}: ns_last_pid set just below it, then a fork
     * (again if another fork of the machine got in between).
     */
    private static Process takePid(int pid) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), Integer.toString(pid - 1));
            Process p = new ProcessBuilder("sleep", "300").start();
            if (p.pid() == pid) {
                return p;
            }
            p.destroyForcibly();
            p.waitFor();
        }
        throw new AssertionError("no decoy got host pid " + pid + " in 100 attempts");
    }

    private static void awaitNewGeneration(CrakRunProcess run, String job) throws Exception {
        // a generation written after the latest restart (which the caller has waited for)
        run.awaitLine("job " + job + " generation \\d+ written", run.count("job " + job + " generation \\d+ written"));
    }

    /** SIGKILLs every process of the job; retried while a checkpoint has them in the freezer's cgroup. */
    private static List<Integer> killEveryProcess(Path storage, String job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<Integer> killed = CrakRunProcess.killJob(storage, job);
            if (!killed.isEmpty() || System.nanoTime() > deadline) {
                return killed;
            }
            Thread.sleep(10);
        }
    }

    private static String cgroupOf(Path storage, String job) throws Exception {
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(storage.resolve(job).resolve(JobRecord.FILE))) {
            p.load(r);
        }
        return p.getProperty("cgroup");
    }

    private String uninterrupted(List<String> command) throws Exception {
        Path out = dir.resolve("uninterrupted.out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "uninterrupted run of " + command);
        assertEquals(0, p.exitValue());
        return Checksums.read(out);
    }
}
