package io.crak.core.timerfd;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** timerfds through a real dump, kill and restore: period, unread expirations, remaining time (±50 ms). */
@Tag("integration")
class TimerFdCheckpointTest {
    @Test
    void survivesDumpKillRestore(@TempDir Path dir) throws Exception {
        CheckpointedProgram.assertSurvivesDumpKillRestore("timerfd/timerfd.c", dir);
    }
}
