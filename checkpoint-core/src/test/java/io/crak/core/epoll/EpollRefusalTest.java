package io.crak.core.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import io.crak.core.cprog.CheckpointedProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An epoll target closed after registration is refused up front, naming pid and fd; the job runs on. */
@Tag("integration")
class EpollRefusalTest {
    @Test
    void staleTargetIsRefusedAndTheJobContinues(@TempDir Path dir) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.start("epoll/epoll-stale.c", dir);
        try {
            CrakException e = assertThrows(CrakException.class, p::dump);
            assertTrue(e.getMessage().startsWith("pid " + p.pid + " fd 3: epoll target fd 4"), e.getMessage());
            assertEquals(0, p.go().shellStatus(), p.output());
        } finally {
            p.killIfAlive();
        }
    }
}
