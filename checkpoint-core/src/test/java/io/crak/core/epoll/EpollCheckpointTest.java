package io.crak.core.epoll;

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
        CheckpointedProgram.assertSurvivesDumpKillRestore("epoll/epoll.c", dir);
    }
}
