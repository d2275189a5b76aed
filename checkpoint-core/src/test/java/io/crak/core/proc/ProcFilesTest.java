package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFilesTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void readsOwnStatusAndTaskStat() throws Exception {
        ProcFiles proc = new ProcFiles();
        ProcStatus status = StatusParser.parse(proc.read(SELF, "status"));
        assertEquals(SELF, status.pid());
        ProcStat main = StatParser.parse(proc.readTask(SELF, SELF, "stat"));
        assertEquals(SELF, main.pid());
        assertTrue(proc.readLink(SELF, "exe").endsWith("/java"));
    }

    @Test
    void missingProcessIsReportedAsGoneNamingPidAndFile(@TempDir Path fakeProc) throws Exception {
        Files.createDirectories(fakeProc.resolve("77"));
        ProcFiles proc = new ProcFiles(fakeProc);
        ProcessGoneException e = assertThrows(ProcessGoneException.class, () -> proc.read(77, "maps"));
        assertEquals("pid 77 " + fakeProc.resolve("77/maps") + ": ENOENT, the process or thread has exited",
                e.getMessage());
    }
}
