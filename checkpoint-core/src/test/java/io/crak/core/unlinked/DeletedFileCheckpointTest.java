package io.crak.core.unlinked;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files deleted while open — descriptors at their offsets and flags, a shared mapping whose
 * descriptor is closed, a private copy-on-write mapping — through a real dump, kill and restore.
 */
@Tag("integration")
class DeletedFileCheckpointTest {
    @Test
    void deletedFilesTravelInTheImage(@TempDir Path dir) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.start("unlinked/deleted.c", dir, dir.resolve("scratch").toString());
        try {
            p.dump();
            p.restore();
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
        }
    }
}
