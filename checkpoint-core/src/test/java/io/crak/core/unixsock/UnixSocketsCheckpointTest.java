package io.crak.core.unixsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ExitStatus;
import io.crak.core.pipe.NativeTestProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** What a test looks at once the tree is restored, before the program checks itself. */
    private interface AfterRestore {
        void check(List<Integer> pids) throws Exception;
    }

    /**
     * Builds test program {@code source}, starts it (through {@code prefix}, then the program with
     * DIR and GO_PATH), dumps it once it is ready, kills and restores its two processes, lets it
     * check itself, and returns its output once it passed, ending with {@code okLine}.
     */
    private String checkpointed(String source, List<String> prefix, String okLine, AfterRestore after) throws Exception {
        Path exe = NativeTestProgram.build(source, dir);
        Path go = dir.resolve("go");
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(exe.toString(), dir.toString(), go.toString()));
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"), command);
        try {
            p.awaitLine("ready");
            List<Integer> pids = p.checkpointKillRestore(dir.resolve("images"));
            assertEquals(2, pids.size(), "parent and child restored");
            after.check(pids);
            Files.createFile(go);
            ExitStatus st = p.awaitExit();
            String out = p.output();
            assertEquals(0, st.shellStatus(), () -> source + ": " + st + "\n" + out);
            assertTrue(out.contains("child: ok\n") && out.endsWith(okLine + "\n"), out);
            return out;
        } finally {
            p.kill();
        }
    }

    @Test
    void pairsListenerAndBoundSocketsSurviveCheckpointKillRestore() throws Exception {
        String out = checkpointed("unixsock/unixsock.c", List.of(), "UNIXSOCK OK", pids -> { });
        assertEquals(1, out.lines().filter("ready"::equals).count(), out);
    }

    @Test
    void theSameInANetworkNamespaceOfTheirOwn() throws Exception {
        String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        // unshare execs the program in a fresh network namespace: the tree's own (sock_diag must list it there)
        checkpointed("unixsock/unixsock.c", List.of("unshare", "--net"), "UNIXSOCK OK", pids -> {
            for (int pid : pids) {
                assertNotEquals(ours, Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "net")).toString(),
                        "pid " + pid + " was restored into crak's network namespace");
            }
        });
    }

    @Test
    void connectionsAListenerHasNotAcceptedYetComeBackInTheirOrder() throws Exception {
        // accepted in the order they connected, the shut-down one at end of file, nothing else waiting
        checkpointed("unixsock/pending.c", List.of(), "PENDING OK", pids -> { });
    }
}
