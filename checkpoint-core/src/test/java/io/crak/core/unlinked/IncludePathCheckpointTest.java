package io.crak.core.unlinked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job file in /tmp and a POSIX shared memory object, both removed between dump and restore (as
 * on a node that never had them), come back through --include-path.
 */
@Tag("integration")
class IncludePathCheckpointTest {
    @Test
    void includedFilesComeBackWhenMissing(@TempDir Path dir) throws Exception {
        Path jobFile = dir.resolve("job-state.txt");
        String shmName = "/crak-include-test-" + ProcessHandle.current().pid();
        Path shm = Path.of("/dev/shm" + shmName);
        CheckpointedProgram p = CheckpointedProgram.start("unlinked/included.c", dir, jobFile.toString(), shmName);
        try {
            p.dump(jobFile, shm);
            Files.delete(jobFile);
            Files.delete(shm);
            p.restore();
            assertTrue(Files.exists(shm), "restore recreated " + shm);
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
            Files.deleteIfExists(shm);
        }
        assertFalse(Files.exists(shm));
    }
}
