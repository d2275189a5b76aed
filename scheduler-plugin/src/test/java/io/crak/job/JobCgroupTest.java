package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class JobCgroupTest {
    @Test
    void findsTheCgroup2MountAndValidatesNames() throws Exception {
        Path mount = JobCgroup.cgroup2Mount();
        assertTrue(Files.exists(mount.resolve("cgroup.controllers")), mount.toString());
        for (String bad : new String[] {"", "../x", "a/b", ".hidden", "x".repeat(256)}) {
            assertThrows(IllegalArgumentException.class, () -> JobCgroup.named(bad), bad);
        }
    }

    @Test
    void seesAndKillsProcessesInChildCgroupsToo() throws Exception {
        // as during a checkpoint, when the freezer holds the job in a cgroup of its own below
        JobCgroup cg = JobCgroup.named("cgroup-test-child-" + ProcessHandle.current().pid()).create();
        Path child = Files.createDirectory(cg.path().resolve("crak-freeze-1-0"));
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            assertFalse(cg.populated());
            Files.writeString(child.resolve("cgroup.procs"), Long.toString(p.pid()));
            assertEquals(List.of(Math.toIntExact(p.pid())), cg.pids());
            assertTrue(cg.populated());
            cg.killAndRemove(Duration.ofSeconds(10));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertFalse(Files.exists(child));
        } finally {
            p.destroyForcibly();
            p.waitFor();
            if (cg.exists()) {
                cg.killAndRemove(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void holdsKillsAndRemovesProcesses() throws Exception {
        JobCgroup cg = JobCgroup.named("cgroup-test-" + ProcessHandle.current().pid()).create();
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            cg.add(Math.toIntExact(p.pid()));
            assertEquals(List.of(Math.toIntExact(p.pid())), cg.pids());
            cg.killAndRemove(Duration.ofSeconds(10));
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(128 + 9, p.exitValue());
            assertFalse(cg.exists());
            assertEquals(List.of(), cg.pids());
            cg.kill(); // absent: nothing to do
        } finally {
            p.destroyForcibly();
            p.waitFor();
            if (cg.exists()) {
                cg.killAndRemove(Duration.ofSeconds(10));
            }
        }
    }
}
