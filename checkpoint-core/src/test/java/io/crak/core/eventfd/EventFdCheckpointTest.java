package io.crak.core.eventfd;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eventfd counters, EFD_SEMAPHORE and flags through a real dump, kill and restore (src/test/c/eventfd/eventfd.c checks itself). */
@Tag("integration")
class EventFdCheckpointTest {
    @Test
    void survivesDumpKillRestore(@TempDir Path dir) throws Exception {
        CheckpointedProgram.assertSurvivesDumpKillRestore("eventfd/eventfd.c", dir);
    }
}
