package io.crak.core.unixsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ExitStatus;
import io.crak.core.pipe.NativeTestProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix sockets of every type between a parent and its child, checkpointed mid-conversation with
 * data queued both ways, killed, restored: the program checks each property itself (see
 * unixsock.c).
 */
@Tag("integration")
class UnixSocketsCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void pairsListenerAndBoundSocketsSurviveCheckpointKillRestore() throws Exception {
        Path exe = NativeTestProgram.build("unixsock/unixsock.c", dir);
        Path go = dir.resolve("go");
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"), List.of(exe.toString(), dir.toString(),
                go.toString()));
        try {
            p.awaitLine("ready");
            List<Integer> pids = p.checkpointKillRestore(dir.resolve("images"));
            assertEquals(2, pids.size(), "parent and child restored");
            Files.createFile(go);
            ExitStatus st = p.awaitExit();
            String out = p.output();
            assertEquals(0, st.shellStatus(), () -> "unixsock test program: " + st + "\n" + out);
            assertTrue(out.contains("child: ok\n") && out.endsWith("UNIXSOCK OK\n"), out);
            assertEquals(1, out.lines().filter("ready"::equals).count(), out);
        } finally {
            p.kill();
        }
    }

    @Test
    void theSameInANetworkNamespaceOfTheirOwn() throws Exception {
        Path exe = NativeTestProgram.build("unixsock/unixsock.c", dir);
        Path go = dir.resolve("go");
        // unshare execs the program in a fresh network namespace: the tree's own (sock_diag must list it there)
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"), List.of("unshare", "--net", exe.toString(),
                dir.toString(), go.toString()));
        try {
            p.awaitLine("ready");
            String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            List<Integer> pids = p.checkpointKillRestore(dir.resolve("images"));
            assertEquals(2, pids.size(), "parent and child restored");
            for (int pid : pids) {
                assertNotEquals(ours, Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "net")).toString(),
                        "pid " + pid + " was restored into crak's network namespace");
            }
            Files.createFile(go);
            ExitStatus st = p.awaitExit();
            String out = p.output();
            assertEquals(0, st.shellStatus(), () -> "unixsock test program: " + st + "\n" + out);
            assertTrue(out.contains("child: ok\n") && out.endsWith("UNIXSOCK OK\n"), out);
        } finally {
            p.kill();
        }
    }

    @Test
    void connectionsAListenerHasNotAcceptedYetComeBackInTheirOrder() throws Exception {
        Path exe = NativeTestProgram.build("unixsock/pending.c", dir);
        Path go = dir.resolve("go");
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"), List.of(exe.toString(), dir.toString(),
                go.toString()));
        try {
            p.awaitLine("ready");
            List<Integer> pids = p.checkpointKillRestore(dir.resolve("images"));
            assertEquals(2, pids.size(), "parent and child restored");
            Files.createFile(go);
            ExitStatus st = p.awaitExit();
            String out = p.output();
            // accepted in the order they connected, the shut-down one at end of file, nothing else waiting
            assertEquals(0, st.shellStatus(), () -> "pending test program: " + st + "\n" + out);
            assertTrue(out.contains("child: ok\n") && out.endsWith("PENDING OK\n"), out);
        } finally {
            p.kill();
        }
    }
}
