package io.crak.core.timerfd;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        CheckpointedProgram p = CheckpointedProgram.start("timerfd/timerfd.c", dir);
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
