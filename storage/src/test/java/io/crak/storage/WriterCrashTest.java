package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a separate writer JVM is SIGKILLed (by pid) at 50 random moments while it
 * writes and commits a generation. After each kill the latest consistent generation must be the
 * previous one and read back bit-exact, unless the writer had already published, in which case
 * the new generation must be complete and read back bit-exact. Leftovers must be removable.
 */
@Tag("integration")
class WriterCrashTest {
    private static final String JOB = "crash";
    private static final int KILLS = 50;
    private static final long WRITER_TIMEOUT_SECONDS = 120;

    @TempDir
    Path tmp;

    static SyntheticImages images(long version) {
        return new SyntheticImages(77, version, 6, 3 << 20, 5);
    }

    @Test
    void killedWriterNeverLeavesAVisibleTornGeneration() throws Exception {
        Path root = tmp.resolve("store");
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(root), m -> { });
        Random random = new Random(20240601);
        long version = 0;
        long committedVersion = -1;
        // calibration: a run that is not killed measures how long writing takes after "started"
        long writeNanos = runWriter(root, version, "none", "full", -1).nanosAfterStart;
        committedVersion = version;
        int killedBeforePublish = 0;
        List<String> log = new ArrayList<>();
        // every sixth writer runs to completion, so later kills hit writers whose parent is recent
        // and chains grow: 50 killed writers, 10 committed ones
        for (int i = 0; i < KILLS + KILLS / 5; i++) {
            version++;
            boolean kill = i % 6 != 5;
            String compression = i % 2 == 0 ? "zstd" : "none";
            String kind = i % 3 == 0 ? "full" : "incremental";
            long delay = kill ? (long) (random.nextDouble() * writeNanos * 1.1) : -1;
            WriterRun run = runWriter(root, version, compression, kind, delay);
            Generation latest = repo.latestConsistent(JOB).orElseThrow();
            long expectedVersion = run.committed ? version : committedVersion;
            if (!run.committed && latest.number() > run.latestBefore) {
                // killed after the publishing rename but before it could print: must be complete
                expectedVersion = version;
            }
            assertTrue(kill || latest.number() > run.latestBefore, "an uninterrupted writer publishes");
            if (!run.committed && expectedVersion == committedVersion) {
                killedBeforePublish++;
            }
            try (GenerationReader src = repo.open(JOB, latest.number())) {
                images(expectedVersion).assertReadsBack(src);
            }
            committedVersion = expectedVersion;
            repo.removeAbandoned(JOB);
            try (Stream<Path> s = Files.list(root.resolve(JOB))) {
                List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
                assertEquals(List.of(), left, "leftovers after removeAbandoned");
            }
            repo.applyRetention(JOB);
            log.add(delay / 1_000_000 + "ms:" + (run.committed ? "committed" : "killed"));
        }
        assertTrue(killedBeforePublish >= KILLS / 2, "most kills must land mid-write: " + log);
        assertTrue(repo.history(JOB).stream().anyMatch(GenerationStatus::incremental), "chains were exercised");
        System.out.println("writer kills: " + killedBeforePublish + " of " + KILLS + " before publishing; " + log);
    }

    private record WriterRun(boolean committed, long nanosAfterStart, long latestBefore) {
    }

    private WriterRun runWriter(Path root, long version, String compression, String kind, long killAfterNanos)
            throws IOException, InterruptedException {
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(root), m -> { });
        List<Long> before = repo.generations(JOB);
        long latestBefore = before.isEmpty() ? 0 : before.get(before.size() - 1);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // stdout goes to a file: destroying a Process closes its pipes, and the lines matter after
        Path out = Files.createTempFile(tmp, "writer", ".out");
        Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+UseSerialGC", "-cp", cp,
                CrashingWriterMain.class.getName(), root.toString(), JOB, Long.toString(version), compression, kind)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WRITER_TIMEOUT_SECONDS);
            while (!Files.readString(out).startsWith("started\n")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("writer pid " + p.pid() + " did not start: " + Files.readString(out));
                }
                Thread.sleep(1);
            }
            long started = System.nanoTime();
            if (killAfterNanos >= 0) {
                long until = started + killAfterNanos;
                while (System.nanoTime() < until && p.isAlive()) {
                    Thread.onSpinWait();
                }
                p.destroyForcibly(); // SIGKILL to this pid only
            }
            if (!p.waitFor(WRITER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("writer pid " + p.pid() + " hung");
            }
            long elapsed = System.nanoTime() - started;
            boolean committed = Files.readString(out).contains("committed ");
            if (killAfterNanos < 0 && (!committed || p.exitValue() != 0)) {
                throw new AssertionError("uninterrupted writer pid " + p.pid() + " failed, exit " + p.exitValue());
            }
            return new WriterRun(committed, elapsed, latestBefore);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
