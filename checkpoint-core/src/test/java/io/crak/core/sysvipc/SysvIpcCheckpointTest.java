package io.crak.core.sysvipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.ChildReaper;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.RestoreRequest;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.image.DirectoryImageSource;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SysvIpcCalls;
import io.crak.core.jna.Tracer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SysV shm (attached in two processes), semaphores and a message queue through dump, kill and restore. */
@Tag("integration")
class SysvIpcCheckpointTest {
    private static final long STEP_TIMEOUT_SECONDS = 20;

    @TempDir
    Path dir;

    @Test
    void objectsComeBackWithTheirIdsContentsAndAttachedMappings() throws Exception {
        Path exe = dir.resolve("sysv-ipc");
        Process gcc = new ProcessBuilder("gcc", "-Wall", "-O1", "-o", exe.toString(), "src/test/c/sysvipc/sysv-ipc.c")
                .redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), gccOut);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        Path out = dir.resolve("out");
        ChildReaper.get();
        // started through a shell that exits at once (a java.lang.Process would swallow ptrace stops),
        // in its own session as a batch job is
        Process sh = new ProcessBuilder("/bin/sh", "-c", "setsid '" + exe + "' '" + go + "' '" + ready + "' </dev/null >'"
                + out + "' 2>&1 & echo $!").redirectInput(new File("/dev/null")).start();
        int pid = Integer.parseInt(new String(sh.getInputStream().readAllBytes()).strip());
        sh.waitFor();
        int[] ids = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_TIMEOUT_SECONDS);
            while (!Files.exists(ready) || Files.size(ready) == 0) {
                assertTrue(System.nanoTime() < deadline, "no ready file; output: " + read(out));
                Thread.sleep(10);
            }
            Thread.sleep(50); // the child is forked before the parent writes ready; let it reach its wait
            ids = java.util.Arrays.stream(Files.readString(ready).strip().split(" ")).mapToInt(Integer::parseInt).toArray();
            new CheckpointEngine().dump(DumpRequest.of(pid, false), new DirectoryImageSink(dir.resolve("images")));
            assertFalse(Files.readString(Path.of("/proc/sysvipc/shm")).contains(" " + ids[0] + " "),
                    "the dump that killed the job removed its segment");
            try (DirectoryImageSource src = new DirectoryImageSource(dir.resolve("images"))) {
                new CheckpointEngine().restore(RestoreRequest.unchecked(), src);
            }
            var exit = ChildReaper.get().exitOf(pid);
            Files.createFile(go);
            ExitStatus st = exit.get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals(0, st.exitCode(), read(out));
            assertEquals("PASS shm " + ids[0] + " (65636 bytes, attached twice), semaphores 5 0 42 (key 0x43524b53),"
                    + " 3 messages\n", read(out));
        } finally {
            try {
                Tracer.kill(-pid, 9); // the whole job: it is its own process group
            } catch (NativeException e) {
                // gone already
            }
            if (ids != null) {
                removeQuietly(SysvIpcCalls.Kind.SHM, ids[0]);
                removeQuietly(SysvIpcCalls.Kind.SEM, ids[1]);
                removeQuietly(SysvIpcCalls.Kind.MSG, ids[2]);
            }
        }
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private static void removeQuietly(SysvIpcCalls.Kind kind, int id) {
        try {
            SysvIpcCalls.remove(kind, id);
        } catch (NativeException e) {
            // removed by the job itself
        }
    }
}
