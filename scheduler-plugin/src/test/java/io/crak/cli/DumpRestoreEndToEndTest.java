package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine's promise, end to end through the real CLI: a sample job dumped at random moments,
 * killed and restored — several times in one run — ends with the checksum of an uninterrupted run.
 */
@Tag("integration")
class DumpRestoreEndToEndTest {
    private static final long JOB_TIMEOUT_SECONDS = 120;
    /** scratch-files' --tmp records file, deleted between a dump and its restore. */
    private static final Path SCRATCH_TMP = Path.of("/tmp/crak-e2e-scratch-" + ProcessHandle.current().pid());

    @TempDir
    Path dir;

    @BeforeAll
    static void reapOrphans() {
        ChildReaper.get();
    }

    @org.junit.jupiter.api.AfterAll
    static void removeScratchRecords() throws Exception {
        Files.deleteIfExists(SCRATCH_TMP);
    }

    @ParameterizedTest
    @EnumSource(value = SampleJob.class, names = {"MT_COMPUTE", "PROC_TREE", "MEMHOG", "SCRATCH_FILES", "STENCIL_PIPE",
            "STENCIL_SOCKET", "JAVA_COMPUTE"})
    void dumpKillRestoreRepeatedlyKeepsTheChecksum(SampleJob job) throws Exception {
        String expected = reference(job);
        Random rnd = new Random();
        Path out = dir.resolve("job.out");
        Path log = dir.resolve("crak.log");
        Process first = start(job, out);
        int pid = (int) first.pid();
        Process restore = null;
        int rounds = 3;
        int dumps = 0;
        for (int i = 0; i < rounds; i++) {
            Thread.sleep(200 + rnd.nextInt(600));
            if (restore != null && !restore.isAlive()) {
                break; // the job finished before this round: enough rounds were done if dumps >= 2
            }
            Path images = dir.resolve("images-" + i);
            List<String> dumpArgs = new java.util.ArrayList<>(List.of("dump", "--pid", Integer.toString(pid), "--images",
                    images.toString()));
            if (job == SampleJob.SCRATCH_FILES) {
                dumpArgs.addAll(List.of("--include-path", SCRATCH_TMP.toString()));
            }
            int rc = CrakCli.run(log, dumpArgs.toArray(String[]::new));
            Process previous = restore;
            if (rc != 0 && previous != null && previous.waitFor(1, TimeUnit.SECONDS) && previous.exitValue() == 0
                    && (CrakCli.read(log).contains("pid " + pid + ": no such process")
                            || CrakCli.read(log).contains("pid " + pid + ": has exited"))) {
                break; // the job finished between the check above and the dump: same as finishing before it
            }
            assertEquals(0, rc, () -> "dump failed: " + CrakCli.read(log) + (previous == null ? ""
                    : " (restore before: " + (previous.isAlive() ? "running" : "exit " + previous.exitValue()) + ")")
                    + "\njob output:\n" + tail(out));
            if (i == 0) {
                assertTrue(first.waitFor(10, TimeUnit.SECONDS), "dumped job was not killed");
            } else {
                assertTrue(restore.waitFor(10, TimeUnit.SECONDS), "dumped restored job was not killed");
            }
            dumps++;
            if (job == SampleJob.SCRATCH_FILES && i == 0) {
                Files.delete(SCRATCH_TMP); // as on a node that never had it: --include-path brings it back
            }
            long restoredBefore = count(log, "crak: restored ");
            restore = CrakCli.command(log, "restore", "--images", images.toString()).start();
            awaitRestored(log, restoredBefore, restore);
        }
        assertTrue(dumps >= 2, "the job ended after " + dumps + " dump(s); make it longer");
        assertTrue(restore.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS), "restored job did not finish");
        assertEquals(0, restore.exitValue(), () -> "restored job failed: " + CrakCli.read(log) + CrakCli.read(out));
        assertEquals(expected, Checksums.read(out), () -> CrakCli.read(log));
    }

    @ParameterizedTest
    @EnumSource(value = SampleJob.class, names = {"MT_COMPUTE"})
    void leaveRunningImagesRestoreAfterTheJobFinished(SampleJob job) throws Exception {
        String expected = reference(job);
        Path out = dir.resolve("job.out");
        Path log = dir.resolve("crak.log");
        Process p = start(job, out);
        Thread.sleep(500);
        Path images = dir.resolve("images");
        assertEquals(0, CrakCli.run(log, "dump", "--leave-running", "--pid", Long.toString(p.pid()), "--images",
                images.toString()), () -> CrakCli.read(log));
        assertTrue(p.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(expected, Checksums.read(out));
        assertEquals(0, CrakCli.run(log, "restore", "--images", images.toString()), () -> CrakCli.read(log));
        assertEquals(expected, Checksums.read(out), () -> CrakCli.read(log));
    }

    @ParameterizedTest
    @EnumSource(value = io.crak.core.freeze.FreezerKind.class, names = {"CGROUP_V2", "CGROUP_V1", "PTRACE"})
    void everyFreezerBackendGivesARestorableDump(io.crak.core.freeze.FreezerKind freezer) throws Exception {
        SampleJob job = SampleJob.PROC_TREE;
        String expected = reference(job);
        Path out = dir.resolve("job.out");
        Path log = dir.resolve("crak.log");
        Process p = start(job, out);
        Thread.sleep(500);
        Path images = dir.resolve("images");
        int rc = CrakCli.run(log, "dump", "--freezer", freezer.name().toLowerCase(), "--pid",
                Long.toString(p.pid()), "--images", images.toString());
        assertEquals(0, rc, () -> CrakCli.read(log));
        assertTrue(CrakCli.read(log).contains("freezer " + freezer.name().toLowerCase()), () -> CrakCli.read(log));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, CrakCli.run(log, "restore", "--images", images.toString()), () -> CrakCli.read(log));
        assertEquals(expected, Checksums.read(out), () -> CrakCli.read(log));
    }

    private String reference(SampleJob job) throws Exception {
        Path out = dir.resolve("reference.out");
        Process p = start(job, out);
        assertTrue(p.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Checksums.read(out);
    }

    /** Long enough for three dump/restore rounds on a loaded 2-core machine, short enough for CI. */
    private static List<String> command(SampleJob job) {
        return switch (job) {
            case MT_COMPUTE -> job.command(List.of("--steps", "8000"));
            case PROC_TREE -> job.command(List.of("--rounds", "600"));
            case MEMHOG -> job.command(List.of("--mib", "128", "--passes", "60", "--untouched-mib", "256"));
            case SCRATCH_FILES -> job.command(List.of("--steps", "9000", "--tmp", SCRATCH_TMP.toString()));
            case STENCIL_PIPE -> job.command(List.of("--steps", "7000"));
            case STENCIL_SOCKET -> job.command(List.of("--steps", "5000"));
            case JAVA_COMPUTE -> job.command(List.of("--steps", "5000"));
            default -> job.quickCommand();
        };
    }

    private static Process start(SampleJob job, Path out) throws Exception {
        List<String> cmd = command(job);
        return new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    /** Waits until the restore reports the tree running (its next dump must not race the restore). */
    private static void awaitRestored(Path log, long before, Process restore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (count(log, "crak: restored ") == before) {
            if (!restore.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("restore did not bring the tree back ("
                        + (restore.isAlive() ? "still running" : "exit " + restore.exitValue()) + "): " + CrakCli.read(log));
            }
            Thread.sleep(20);
        }
    }

    private static String tail(Path p) {
        List<String> lines = CrakCli.read(p).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    private static long count(Path log, String prefix) {
        return CrakCli.read(log).lines().filter(l -> l.startsWith(prefix)).count();
    }

}
