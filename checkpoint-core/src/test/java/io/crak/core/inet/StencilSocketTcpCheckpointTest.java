package io.crak.core.inet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import io.crak.core.ExitStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample job stencil-socket over TCP (a coordinator with a listening socket and one loopback
 * connection per worker, messages in flight both ways) dumped, killed and restored at random
 * moments several times in one run: its checksum must equal that of an uninterrupted run.
 */
@Tag("integration")
class StencilSocketTcpCheckpointTest {
    private static final int CHECKPOINTS = 3;
    private static final int MAX_PAUSE_MILLIS = 400;
    private static final List<String> ARGS = List.of("--transport", "tcp", "--rows", "128", "--cols", "128",
            "--workers", "3", "--steps", "40000", "--seed", "7");

    @TempDir
    Path dir;

    @Test
    void checksumSurvivesDumpKillRestoreAtRandomMoments() throws Exception {
        Process make = new ProcessBuilder("make", "-s", "-C", "../sample-jobs/native", "OUT=" + dir,
                dir.resolve("stencil-socket").toString()).redirectErrorStream(true).start();
        String makeOut = new String(make.getInputStream().readAllBytes());
        assertEquals(0, make.waitFor(), makeOut);
        List<String> cmd = new ArrayList<>();
        cmd.add(dir.resolve("stencil-socket").toString());
        cmd.addAll(ARGS);

        InetTestJob reference = InetTestJob.start(dir.resolve("reference.out"), cmd);
        assertEquals(0, reference.awaitExit().exitCode(), reference.output());
        String expected = lastLine(reference.output());
        assertTrue(expected.matches("checksum [0-9a-f]{16}"), expected);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        InetTestJob job = InetTestJob.start(dir.resolve("job.out"), cmd);
        try {
            for (int i = 0; i < CHECKPOINTS; i++) {
                Thread.sleep(50 + random.nextInt(MAX_PAUSE_MILLIS));
                Path images = dir.resolve("images-" + i);
                try {
                    job.dumpKill(images, false);
                } catch (CrakException e) {
                    // caught while workers were still connecting: a legitimate refusal, try a bit later
                    assertTrue(e.getMessage().contains("not yet accepted"), e.getMessage());
                    i--;
                    continue;
                }
                job.restore(images);
            }
            ExitStatus st = job.awaitExit();
            assertEquals(0, st.exitCode(), "seed " + seed + ": " + job.output());
            assertEquals(expected, lastLine(job.output()), "seed " + seed);
        } finally {
            job.kill();
        }
    }

    private static String lastLine(String out) {
        List<String> lines = out.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
