package io.crak.core.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.cprog.CheckpointedProgram;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.proc.StatusParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trees that are a pid namespace of their own: each per-resource test program runs as pid 2 under
 * a shell init (pid 1), is dumped through the init, killed, restored into a fresh namespace and
 * checks every property it set — with descriptors, memory and signals whose restore runs system
 * calls inside the namespace, where only namespace pids mean anything.
 */
@Tag("integration")
class PidNamespaceCheckpointTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"signalfd/signalfd.c", "eventfd/eventfd.c", "epoll/epoll.c", "timerfd/timerfd.c",
            "unlinked/memfd.c"})
    void resourceProgramSurvivesInItsOwnPidNamespace(String source) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.startInPidNamespace(source, dir, "READY", dir.resolve("go").toString());
        try {
            int hostRootBefore = p.pid;
            assertEquals(1, nsPid(p.pid), "the dumped root is the namespace's init");
            p.dump();
            p.restore();
            assertNotEquals(0, p.pid);
            assertEquals(1, nsPid(p.pid), "restored as pid 1 of a new namespace (host pid " + p.pid + ", was "
                    + hostRootBefore + ")");
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
        }
    }

    @Test
    void pipesAndFifosBetweenProcessesSurvive() throws Exception {
        assertProgramPasses("pipe/pipes.c", "PIPES OK", dir.resolve("fifo").toString(), dir.resolve("go").toString());
    }

    @Test
    void unixSocketsBetweenProcessesSurvive() throws Exception {
        assertProgramPasses("unixsock/unixsock.c", "UNIXSOCK OK", dir.toString(), dir.resolve("go").toString());
    }

    @Test
    void aProcessInsideANamespaceThatIsNotItsInitIsRefusedAndKeepsRunning() throws Exception {
        CheckpointedProgram p = CheckpointedProgram.startInPidNamespace("eventfd/eventfd.c", dir, "READY",
                dir.resolve("go").toString());
        try {
            String children = Files.readString(Path.of("/proc", Integer.toString(p.pid), "task",
                    Integer.toString(p.pid), "children")).strip();
            int program = Integer.parseInt(children.split(" ")[0]);
            CrakException e = org.junit.jupiter.api.Assertions.assertThrows(CrakException.class,
                    () -> new CheckpointEngine().dump(DumpRequest.of(program, false),
                            new DirectoryImageSink(dir.resolve("refused"))));
            assertTrue(e.getMessage().startsWith("pid " + program + ": is pid 2 in a pid namespace"), e.getMessage());
            assertTrue(Files.exists(Path.of("/proc", Integer.toString(program))), "the refused process still runs");
            assertEquals(0, p.go().shellStatus(), p.output()); // untouched: it finishes its checks
        } finally {
            p.killIfAlive();
        }
    }

    @Test
    void aMountTheJobMadeItselfRefusesTheDumpAndTheJobRunsOn() throws Exception {
        CheckpointedProgram p = CheckpointedProgram.startInPidNamespace("eventfd/eventfd.c", dir, "READY",
                dir.resolve("go").toString());
        try {
            Process mount = new ProcessBuilder("nsenter", "--target", Integer.toString(p.pid), "--mount", "--",
                    "mount", "-t", "tmpfs", "crak-test-scratch", "/mnt").redirectErrorStream(true).start();
            String out = new String(mount.getInputStream().readAllBytes());
            assertEquals(0, mount.waitFor(), out);
            CrakException e = org.junit.jupiter.api.Assertions.assertThrows(CrakException.class,
                    () -> new CheckpointEngine().dump(DumpRequest.of(p.pid, false),
                            new DirectoryImageSink(dir.resolve("refused"))));
            assertTrue(e.getMessage().startsWith("pid " + p.pid + ": its mount namespace has mounts of its own (/mnt (tmpfs))"),
                    e.getMessage());
            assertEquals(0, p.go().shellStatus(), p.output()); // untouched: it finishes its checks
        } finally {
            p.killIfAlive();
        }
    }

    @Test
    void theNamespaceHandsOutTheNextPidItWouldHaveHanded() throws Exception {
        CheckpointedProgram p = CheckpointedProgram.startInPidNamespace("eventfd/eventfd.c", dir, "READY",
                dir.resolve("go").toString());
        try {
            int before = lastPidSeenInside(p.pid); // a process forked there reads its own pid
            p.dump();
            p.restore();
            assertEquals(before + 1, lastPidSeenInside(p.pid), "ns_last_pid came back with the namespace");
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
        }
    }

    /** Forks a reader of ns_last_pid into the namespace of hostPid: what it reads is its own pid. */
    private static int lastPidSeenInside(int hostPid) throws Exception {
        Process nsenter = new ProcessBuilder("nsenter", "--target", Integer.toString(hostPid), "--pid", "--",
                "cat", "/proc/sys/kernel/ns_last_pid").redirectErrorStream(true).start();
        String out = new String(nsenter.getInputStream().readAllBytes()).strip();
        assertEquals(0, nsenter.waitFor(), out);
        return Integer.parseInt(out);
    }

    private void assertProgramPasses(String source, String lastLine, String... argv) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.startInPidNamespace(source, dir, "ready", argv);
        try {
            p.dump();
            p.restore();
            assertEquals(1, nsPid(p.pid));
            String out;
            assertEquals(0, p.go().shellStatus(), p.output());
            out = p.output();
            assertTrue(out.contains("child: ok\n") && out.endsWith(lastLine + "\n"), out);
            assertEquals(1, out.lines().filter("ready"::equals).count(), out);
        } finally {
            p.killIfAlive();
        }
    }

    private static int nsPid(int hostPid) throws Exception {
        List<Integer> ns = StatusParser.parse(Files.readString(Path.of("/proc", Integer.toString(hostPid), "status")))
                .nsPid();
        return ns.get(ns.size() - 1);
    }
}
