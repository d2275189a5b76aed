package io.crak.core.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crak.core.CheckpointEngine;
import io.crak.core.ChildReaper;
import io.crak.core.DumpRequest;
import io.crak.core.RestoreRequest;
import io.crak.core.RestoredTree;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.image.DirectoryImageSource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore forks the tree from a disposable `sleep`; a job that is itself `sleep` keeps that
 * executable (the kernel refuses to set an exe that is still mapped, so the engine must not try).
 */
@Tag("integration")
class RestorerExecutableTest {
    @TempDir
    Path dir;

    @Test
    void aJobRunningTheRestorersOwnExecutableComesBack() throws Exception {
        ChildReaper.get();
        Process sh = new ProcessBuilder("/bin/sh", "-c", "sleep 300 </dev/null >/dev/null 2>&1 & echo $!")
                .redirectInput(new File("/dev/null")).start();
        int pid = Integer.parseInt(new String(sh.getInputStream().readAllBytes()).strip());
        sh.waitFor();
        Path exe = Path.of("/proc", Integer.toString(pid), "exe");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!Files.readSymbolicLink(exe).getFileName().toString().equals("sleep")) {
            // the shell's child has not exec'd sleep yet
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "sleep did not start");
            Thread.sleep(5);
        }
        String before = Files.readSymbolicLink(exe).toString();
        try (DirectoryImageSink sink = new DirectoryImageSink(dir.resolve("images"))) {
            new CheckpointEngine().dump(DumpRequest.of(pid, false), sink);
        }
        RestoredTree tree;
        try (DirectoryImageSource src = new DirectoryImageSource(dir.resolve("images"))) {
            tree = new CheckpointEngine().restore(RestoreRequest.unchecked(), src);
        }
        try {
            assertEquals(pid, tree.rootPid());
            assertEquals(before, Files.readSymbolicLink(exe).toString());
            // released, it goes back to sleeping in nanosleep (briefly R while it gets there)
            Path stat = Path.of("/proc", Integer.toString(pid), "stat");
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (Files.readString(stat).split("\\) ")[1].charAt(0) != 'S') {
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < until, "restored sleep is not sleeping");
                Thread.sleep(5);
            }
        } finally {
            ProcessHandle.of(tree.rootPid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
