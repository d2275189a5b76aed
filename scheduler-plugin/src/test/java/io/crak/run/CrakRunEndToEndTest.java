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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The product test: {@code crak run} on the sample jobs with a 1 s interval, the job SIGKILLed
 * (every pid of its cgroup) at random moments, then crak run's own JVM SIGKILLed and the job taken
 * over by {@code crak run --resume}: the final checksum must equal the uninterrupted run's.
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
                Arguments.of(SampleJob.PROC_TREE, List.of("--rounds", "6000", "--work", "100000"), List.of("--keep", "1")),
                Arguments.of(SampleJob.MEMHOG, List.of("--mib", "32", "--passes", "400", "--untouched-mib", "64"),
                        List.of("--compress", "zstd", "--keep", "2")));
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
