package io.crak.core.inotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inotify watches (found again by file handle) see changes made after a real dump, kill and
 * restore; unread events, which cannot be carried over, refuse the dump.
 */
@Tag("integration")
class InotifyCheckpointTest {
    @Test
    void watchesSeeChangesAfterRestore(@TempDir Path dir) throws Exception {
        Path watched = Files.createDirectory(dir.resolve("watched"));
        CheckpointedProgram p = CheckpointedProgram.start("inotify/inotify.c", dir, watched.toString());
        try {
            p.dump();
            p.restore();
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
        }
    }

    @Test
    void unreadEventsAreRefusedAndTheJobContinues(@TempDir Path dir) throws Exception {
        Path watched = Files.createDirectory(dir.resolve("watched"));
        CheckpointedProgram p = CheckpointedProgram.start("inotify/inotify-queued.c", dir, watched.toString());
        try {
            CrakException e = assertThrows(CrakException.class, p::dump);
            assertTrue(e.getMessage().startsWith("pid " + p.pid + " fd 3: inotify has "), e.getMessage());
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
        }
    }
}
