package io.crak.core.signalfd;

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
        CheckpointedProgram.assertSurvivesDumpKillRestore("signalfd/signalfd.c", dir);
    }
}
