package io.crak.core.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An epoll set with its targets, masks and data through a real dump, kill and restore. */
@Tag("integration")
class EpollCheckpointTest {
    @Test
    void survivesDumpKillRestore(@TempDir Path dir) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.start("epoll/epoll.c", dir);
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
