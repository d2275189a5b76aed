package io.crak.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.job.JobOutput;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import io.crak.samples.SampleJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code crak run} command as a separate JVM: usage, exit status, output, failing checkpoints. */
@Tag("integration")
class CrakRunCommandTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @AfterEach
    void removeCgroups() throws Exception {
        CrakRunProcess.removeJobCgroups(dir.resolve("storage"));
    }

    @BeforeAll
    static void becomeSubreaper() {
        ChildReaper.get();
    }

    private CrakRunProcess start(String... args) throws IOException {
        return CrakRunProcess.start(dir.resolve("out"), dir.resolve("err"), List.of(args));
    }

    private String storage() {
        return dir.resolve("storage").toString();
    }

    @Test
    void usageErrorsExit2WithOneLine() throws Exception {
        String[][] bad = {
            {},
            {"--checkpoint-every", "10", "--", "true"},
            {"--checkpoint-every", "1s", "--namespace", "vm", "--", "true"},
            {"--checkpoint-every", "1s", "--keep", "0", "--", "true"},
            {"--resume", "x", "--", "true"},
        };
        String[] expected = {"command is required", "duration '10'", "'vm' is not one of host, pidns", "--keep 0",
            "give no command"};
        for (int i = 0; i < bad.length; i++) {
            Files.deleteIfExists(dir.resolve("err"));
            try (CrakRunProcess run = start(bad[i])) {
                assertEquals(2, run.awaitExit(TIMEOUT), List.of(bad[i]).toString());
                String err = run.stderrText().strip();
                assertEquals(1, err.lines().count(), err);
                assertTrue(err.startsWith("crak run: ") && err.contains(expected[i]), err);
            }
        }
        try (CrakRunProcess help = start("--help")) {
            assertEquals(0, help.awaitExit(TIMEOUT));
            assertTrue(Files.readString(dir.resolve("out")).contains("--checkpoint-every"));
        }
    }

    @Test
    void exitStatusIsTheJobsOwn() throws Exception {
        try (CrakRunProcess run = start("--checkpoint-every", "1s", "--storage", storage(), "--", "sh", "-c", "exit 3")) {
            assertEquals(3, run.awaitExit(TIMEOUT));
            assertTrue(run.stderrText().contains("job sh-1 finished: exit code 3 (status 3)"), run.stderrText());
        }
        // a finished job is never resumed (that would run part of it again)
        try (CrakRunProcess run = start("--resume", "sh-1", "--storage", storage())) {
            assertEquals(1, run.awaitExit(TIMEOUT));
            assertTrue(run.stderrText().contains("job sh-1 has already finished (exit code 3 (status 3) at "),
                    run.stderrText());
        }
        // a signal the job sends itself is its own end, not a reason to restart it
        try (CrakRunProcess run = start("--checkpoint-every", "1s", "--storage", storage(), "--", "sh", "-c",
                "kill -TERM $$")) {
            assertEquals(128 + 15, run.awaitExit(TIMEOUT));
            assertFalse(run.stderrText().contains("restarting"), run.stderrText());
        }
    }

    @Test
    void aSupervisedJobCannotBeResumedTwice() throws Exception {
        try (CrakRunProcess first = start("--checkpoint-every", "1s", "--storage", storage(), "--name", "busy", "--",
                "sleep", "30")) {
            first.awaitLine("job busy started", 0);
            try (CrakRunProcess second = CrakRunProcess.start(dir.resolve("out2"), dir.resolve("err2"),
                    List.of("--resume", "busy", "--storage", storage()))) {
                assertEquals(1, second.awaitExit(TIMEOUT));
                assertTrue(Files.readString(dir.resolve("err2")).contains("supervised by another running crak run"));
            }
            assertTrue(first.process().isAlive());
            // SIGTERM to crak run: the job goes with it, resumable later
            first.process().destroy();
            assertEquals(128 + 15, first.awaitExit(TIMEOUT));
            first.awaitLine("job busy killed because crak run is ending; continue it with 'crak run --resume busy "
                    + "--storage " + storage() + "'", 0);
            assertTrue(CrakRunProcess.jobPids(dir.resolve("storage"), "busy").isEmpty());
        }
    }

    /**
     * The restore checks the images against the job's recorded owner: with the record saying uid
     * 65534, images of a job that ran as root are refused, naming the pid and both uids.
     */
    @Test
    void aResumeRefusesImagesOfAnotherUserThanTheRecordedOwner() throws Exception {
        List<String> args = new ArrayList<>(List.of("--checkpoint-every", "1s", "--storage", storage(), "--name",
                "owned", "--"));
        args.addAll(SampleJob.MT_COMPUTE.command(List.of("--threads", "1", "--steps", "100000000")));
        try (CrakRunProcess run = start(args.toArray(String[]::new))) {
            run.awaitLine("job owned generation 1 written", 0);
            run.killJvm(); // the job dies with it
        }
        Path record = dir.resolve("storage").resolve("owned").resolve(JobRecord.FILE);
        String recorded = Files.readString(record);
        assertTrue(recorded.contains("owner-uid=0\n"), recorded);
        Files.writeString(record, recorded.replace("owner-uid=0\n", "owner-uid=65534\n"));
        try (CrakRunProcess resumed = CrakRunProcess.start(dir.resolve("out2"), dir.resolve("err2"),
                List.of("--resume", "owned", "--storage", storage()))) {
            assertEquals(1, resumed.awaitExit(TIMEOUT));
            String err = resumed.stderrText();
            assertTrue(err.matches("(?s).*restoring generation \\d+ failed: pid \\d+ ran as uid 0\\b.*")
                    && err.contains("owner uid 65534"), err);
            assertTrue(CrakRunProcess.jobPids(dir.resolve("storage"), "owned").isEmpty(), "nothing restored");
        }
    }

    @Test
    void jobOutputGoesToFilesWhenCrakRunsOutputIsAPipe() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.crak.cli.Main", "run", "--checkpoint-every", "1s",
                "--storage", storage(), "--name", "echo", "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2"));
        Process p = new ProcessBuilder(cmd).start(); // stdout and stderr are pipes
        assertTrue(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(0, p.exitValue(), err);
        Path jobDir = dir.resolve("storage").resolve("echo");
        assertEquals("to-stdout\n", Files.readString(jobDir.resolve(JobOutput.STDOUT_FILE)));
        assertEquals("to-stderr\n", Files.readString(jobDir.resolve(JobOutput.STDERR_FILE)));
        assertTrue(err.contains("stdout is a pipe, the job's stdout goes to " + jobDir.resolve("stdout")), err);
        assertEquals("", new String(p.getInputStream().readAllBytes()));
    }

    /**
     * Storage on a 1 MiB tmpfs: every checkpoint fails (one line each), the job runs on; killed
     * before it has any generation, it is started again from the beginning and still ends right.
     * (The job runs a few seconds, so that its first checkpoint always finds it alive.)
     */
    @Test
    void failingCheckpointsLeaveTheJobRunningAndAKillRerunsIt() throws Exception {
        Path tiny = Files.createDirectory(dir.resolve("tiny"));
        mount("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", tiny.toString());
        try {
            List<String> command = List.of(SampleJobs.binary(SampleJob.MEMHOG).toString(), "--mib", "16",
                    "--passes", "600", "--untouched-mib", "0");
            List<String> args = new ArrayList<>(List.of("--checkpoint-every", "1s", "--storage", tiny.toString(),
                    "--name", "memhog", "--"));
            args.addAll(command);
            try (CrakRunProcess run = CrakRunProcess.start(dir.resolve("out"), dir.resolve("err"), args)) {
                String failed = run.awaitLine("job memhog checkpoint failed, the job keeps running \\(no generation yet\\): .+", 0)
                        .group();
                assertEquals(1, failed.lines().count());
                CrakRunProcess.killJob(tiny, "memhog");
                run.awaitLine("job memhog has no consistent generation yet: started again from the beginning", 0);
                assertEquals(0, run.awaitExit(TIMEOUT), run.stderrText());
                assertFalse(run.stderrText().contains("generation 1 written"), run.stderrText());
            }
            Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("plain.out").toFile()).start();
            assertTrue(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(Checksums.read(dir.resolve("plain.out")), Checksums.read(dir.resolve("out")));
        } finally {
            CrakRunProcess.removeJobCgroups(tiny);
            mount("umount", tiny.toString());
        }
    }

    private static void mount(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }
}
