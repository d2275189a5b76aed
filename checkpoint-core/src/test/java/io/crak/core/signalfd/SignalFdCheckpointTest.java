package io.crak.core.signalfd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signalfd's mask and flags through a real dump, kill and restore; it receives a signal sent after the restore. */
@Tag("integration")
class SignalFdCheckpointTest {
    @Test
    void survivesDumpKillRestore(@TempDir Path dir) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.start("signalfd/signalfd.c", dir);
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
