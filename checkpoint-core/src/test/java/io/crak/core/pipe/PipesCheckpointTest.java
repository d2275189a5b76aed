package io.crak.core.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipes and a FIFO between a parent and its child, checkpointed mid-conversation with bytes
 * buffered in them, killed, restored: the program checks each property itself (see pipes.c).
 */
@Tag("integration")
class PipesCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void buffersSharingFlagsAndCapacitySurviveCheckpointKillRestore() throws Exception {
        Path exe = NativeTestProgram.build("pipe/pipes.c", dir);
        Path go = dir.resolve("go");
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"),
                List.of(exe.toString(), dir.resolve("fifo").toString(), go.toString()));
        p.awaitLine("ready");
        List<Integer> pids = p.checkpointKillRestore(dir.resolve("images"));
        assertEquals(2, pids.size(), "parent and child restored");
        Files.createFile(go);
        ExitStatus st = p.awaitExit();
        String out = p.output();
        assertEquals(0, st.shellStatus(), () -> "pipes test program: " + st + "\n" + out);
        assertTrue(out.contains("child: ok\n") && out.endsWith("PIPES OK\n"), out);
        assertEquals(1, out.lines().filter("ready"::equals).count(), out);
    }
}
