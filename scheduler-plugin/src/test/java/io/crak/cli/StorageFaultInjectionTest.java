package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import io.crak.storage.CheckpointRepository;
import io.crak.storage.Generation;
import io.crak.storage.StorageConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crak dump --storage} SIGKILLed at random moments of a checkpoint, 50 times: after each
 * kill the latest consistent generation is a complete one (the previous, or the new one if the
 * kill came after its commit), and restoring it gives a job that finishes with the checksum of an
 * uninterrupted run (restored whenever the latest generation changed, and after the last kill:
 * restoring the same generation again proves nothing new).
 */
@Tag("integration")
class StorageFaultInjectionTest {
    private static final int KILLS = 50;
    private static final List<String> JOB_ARGS = List.of("--threads", "2", "--steps", "40000", "--cells", "4096");

    @TempDir
    Path dir;

    @BeforeAll
    static void reapOrphans() {
        ChildReaper.get();
    }

    @AfterEach
    void removeLeftoverFreezeCgroups() throws Exception {
        // a writer killed while the job's tree was frozen leaves its temporary freezer cgroup behind
        for (Path root : List.of(Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup/freezer"))) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.filter(p -> p.getFileName().toString().startsWith("crak-freeze-")).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void killedWritersNeverLeaveATornLatestGeneration() throws Exception {
        String expected = run(dir.resolve("reference.out"));
        Path storage = dir.resolve("storage");
        Path log = dir.resolve("log");
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(storage));
        Random rnd = new Random();
        long latest = -1;
        // every run appends to one output file, so a restored job's last line is its checksum
        Path out = dir.resolve("job.out");
        for (int i = 0; i < KILLS; i++) {
            Process job = start(out);
            awaitExec(job);
            Process writer = CrakCli.command(log, "dump", "--pid", Long.toString(job.pid()), "--storage",
                    storage.toString(), "--job", "j").start();
            if (latest < 0) {
                writer.waitFor(60, TimeUnit.SECONDS); // a first generation to fall back on
            } else {
                Thread.sleep(200 + rnd.nextInt(1200));
                writer.destroyForcibly();
                writer.waitFor(60, TimeUnit.SECONDS);
            }
            job.destroyForcibly();
            job.waitFor(10, TimeUnit.SECONDS);
            Generation g = repo.latestConsistent("j").orElseThrow(
                    () -> new AssertionError("no consistent generation: " + CrakCli.read(log)));
            long previous = latest;
            assertTrue(previous < 0 || g.number() == previous || g.number() == previous + 1,
                    () -> "latest consistent went from " + previous + " to " + g.number());
            latest = g.number();
            if (g.number() != previous || i == KILLS - 1) {
                assertEquals(0, CrakCli.run(log, "restore", "--storage", storage.toString(), "--job", "j"),
                        () -> CrakCli.read(log));
                int kill = i;
                assertEquals(expected, Checksums.read(out), () -> "after kill " + kill + ": " + CrakCli.read(log));
            }
        }
    }

    /** The job's pid must hold the job, not the JDK's spawn helper that is about to exec it. */
    private static void awaitExec(Process job) throws Exception {
        Path exe = Path.of("/proc", Long.toString(job.pid()), "exe");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readSymbolicLink(exe).getFileName().toString().equals("mt-compute")) {
            assertTrue(System.nanoTime() < deadline, "the job did not start");
            Thread.sleep(5);
        }
    }

    private String run(Path out) throws Exception {
        Process p = start(out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return Checksums.read(out);
    }

    private static Process start(Path out) throws Exception {
        return new ProcessBuilder(SampleJob.MT_COMPUTE.command(JOB_ARGS)).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }
}
