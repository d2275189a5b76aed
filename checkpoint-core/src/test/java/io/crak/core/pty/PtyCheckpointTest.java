package io.crak.core.pty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.ChildReaper;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.RestoreRequest;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.image.DirectoryImageSource;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job under a pseudo-terminal keeps a terminal with its settings through dump, kill and restore. */
@Tag("integration")
class PtyCheckpointTest {
    private static final long STEP_TIMEOUT_SECONDS = 20;

    @TempDir
    Path dir;

    @Test
    void jobKeepsTermiosWindowForegroundGroupAndControllingTerminal() throws Exception {
        Path exe = dir.resolve("pty-job");
        Process gcc = new ProcessBuilder("gcc", "-Wall", "-O1", "-o", exe.toString(), "src/test/c/pty/pty-job.c")
                .redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), gccOut);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        Path verdict = dir.resolve("verdict");
        ChildReaper.get();
        // through a shell that exits at once: a java.lang.Process would swallow the job's ptrace stops
        Process sh = new ProcessBuilder("/bin/sh", "-c", "'" + exe + "' '" + go + "' '" + ready + "' '" + verdict
                + "' </dev/null >/dev/null 2>&1 &").redirectInput(new File("/dev/null")).start();
        assertEquals(0, sh.waitFor());
        int root = 0;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_SECONDS);
            while (!Files.exists(ready) || !Files.readString(ready).endsWith("\n")) {
                assertTrue(System.nanoTime() < deadline, "the job under a terminal never got ready");
                Thread.sleep(10);
            }
            root = Integer.parseInt(Files.readString(ready).split(" ")[0]);
            new CheckpointEngine().dump(DumpRequest.of(root, false), new DirectoryImageSink(dir.resolve("images")));
            try (DirectoryImageSource src = new DirectoryImageSource(dir.resolve("images"))) {
                new CheckpointEngine().restore(RestoreRequest.unchecked(), src);
            }
            var exit = ChildReaper.get().exitOf(root);
            Files.createFile(go);
            ExitStatus st = exit.get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String v = Files.exists(verdict) ? Files.readString(verdict) : "(no verdict)";
            assertEquals(0, st.exitCode(), v);
            String worker = Files.readString(ready).strip().split(" ")[1];
            assertEquals("PASS terminal 33x111, termios kept, foreground group " + worker + ", session " + root + "\n", v);
        } finally {
            if (root != 0) {
                try {
                    Tracer.kill(-root, 9); // the job's session leader leads its group too
                } catch (NativeException e) {
                    // gone already
                }
            }
        }
    }
}
