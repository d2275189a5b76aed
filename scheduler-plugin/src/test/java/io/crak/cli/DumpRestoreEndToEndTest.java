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

    @TempDir
    Path dir;

    @BeforeAll
    static void reapOrphans() {
        ChildReaper.get();
    }

    @ParameterizedTest
    @EnumSource(value = SampleJob.class, names = {"MT_COMPUTE", "PROC_TREE", "MEMHOG"})
    void dumpKillRestoreRepeatedlyKeepsTheChecksum(SampleJob job) throws Exception {
        String expected = reference(job);
        Random rnd = new Random();
        Path out = dir.resolve("job.out");
        Path log = dir.resolve("crak.log");
        Process first = start(job, out);
        int pid = (int) first.pid();
        Process restore = null;
        int rounds = 3;
        for (int i = 0; i < rounds; i++) {
            Thread.sleep(200 + rnd.nextInt(600));
            Path images = dir.resolve("images-" + i);
            int rc = CrakCli.run(log, "dump", "--pid", Integer.toString(pid), "--images", images.toString());
            assertEquals(0, rc, () -> "dump failed: " + read(log));
            if (i == 0) {
                assertTrue(first.waitFor(10, TimeUnit.SECONDS), "dumped job was not killed");
            } else {
                assertTrue(restore.waitFor(10, TimeUnit.SECONDS), "dumped restored job was not killed");
            }
            long restoredBefore = count(log, "crak: restored ");
            restore = CrakCli.command(log, "restore", "--images", images.toString()).start();
            awaitRestored(log, restoredBefore, restore);
        }
        assertTrue(restore.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS), "restored job did not finish");
        assertEquals(0, restore.exitValue(), () -> "restored job failed: " + read(log) + read(out));
        assertEquals(expected, Checksums.read(out), () -> read(log));
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
                images.toString()), () -> read(log));
        assertTrue(p.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(expected, Checksums.read(out));
        assertEquals(0, CrakCli.run(log, "restore", "--images", images.toString()), () -> read(log));
        assertEquals(expected, Checksums.read(out), () -> read(log));
    }

    private String reference(SampleJob job) throws Exception {
        Path out = dir.resolve("reference.out");
        Process p = start(job, out);
        assertTrue(p.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Checksums.read(out);
    }

    private static Process start(SampleJob job, Path out) throws Exception {
        List<String> cmd = job.quickCommand();
        return new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    /** Waits until the restore reports the tree running (its next dump must not race the restore). */
    private static void awaitRestored(Path log, long before, Process restore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(log, "crak: restored ") == before) {
            if (!restore.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("restore did not bring the tree back: " + read(log));
            }
            Thread.sleep(20);
        }
    }

    private static long count(Path log, String prefix) {
        return read(log).lines().filter(l -> l.startsWith(prefix)).count();
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }
}
