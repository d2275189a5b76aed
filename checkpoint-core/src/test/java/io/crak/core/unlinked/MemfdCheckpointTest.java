package io.crak.core.unlinked;

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
        CheckpointedProgram.assertSurvivesDumpKillRestore("unlinked/memfd.c", dir);
    }
}
