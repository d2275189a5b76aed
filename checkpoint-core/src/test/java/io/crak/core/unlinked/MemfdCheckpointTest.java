package io.crak.core.unlinked;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memfds (descriptor, mapping, seals, name) through a real dump, kill and restore. */
@Tag("integration")
class MemfdCheckpointTest {
    @Test
    void survivesDumpKillRestore(@TempDir Path dir) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.start("unlinked/memfd.c", dir);
        try {
            p.dump();
            p.restore();
            int status = p.go().shellStatus();
            assertEquals(0, status, p.output());
        } finally {
            p.killIfAlive();
        }
    }
}
