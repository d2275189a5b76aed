package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusParserTest {
    private static long bit(int signal) {
        return 1L << (signal - 1);
    }

    @Test
    void parsesIdentityCredentialsAndSignalsOfARealProcess() {
        ProcStatus s = StatusParser.parse(ProcFixtures.text("oddities/status"));
        assertEquals("a) (b c)", s.name());
        assertEquals(0022, s.umask());
        assertEquals('S', s.state());
        assertEquals(s.pid(), s.tgid());
        assertEquals(0, s.tracerPid());
        assertArrayEquals(new int[] {0, 0, 0, 0}, s.uid());
        assertArrayEquals(new int[] {0, 0, 0, 0}, s.gid());
        assertEquals(List.of(), s.groups());
        assertEquals(List.of(s.pid()), s.nsPid());
        assertEquals(0, s.pidNamespaceDepth());
        assertEquals(1, s.threads());
        assertTrue(s.sigQueueLimit() > 0);
        assertEquals(bit(12), s.sigBlk()); // SIGUSR2 blocked by oddities.c
        assertTrue((s.sigIgn() & bit(1)) != 0); // SIGHUP ignored by oddities.c
        assertEquals(0, s.sigPnd());
        assertEquals(0, s.shdPnd());
        assertEquals(0x1fffeffffffL, s.capEff());
        assertEquals(s.capPrm(), s.capBnd());
        assertEquals(0, s.capAmb());
        assertFalse(s.noNewPrivs());
        assertEquals(0, s.seccomp());
    }

    @Test
    void listsPidsOfEveryNamespaceOutermostFirst() {
        ProcStatus s = StatusParser.parse(ProcFixtures.text("pidns/status"));
        assertEquals(2, s.nsPid().size());
        assertEquals(s.pid(), s.nsPid().get(0));
        assertEquals(1, s.innermostPid());
        assertEquals(1, s.nsTgid().get(1));
        assertEquals(0, s.nsSid().get(1)); // its session lies outside the inner namespace
        assertEquals(1, s.pidNamespaceDepth());
    }

    @Test
    void parsesAZombieWithoutUmask() {
        ProcStatus s = StatusParser.parse(ProcFixtures.text("zombie/status"));
        assertEquals('Z', s.state());
        assertNull(s.umask());
        assertEquals("true", s.name());
    }

    @Test
    void parsesAThreadStatus() {
        ProcStatus s = StatusParser.parse(ProcFixtures.text("java/task-status"));
        assertTrue(s.threads() > 1);
        assertTrue(s.pid() != s.tgid());
    }

    @Test
    void unescapesTheNameAndKeepsItsSpaces() {
        String text = ProcFixtures.text("oddities/status").replace("Name:\ta) (b c)", "Name:\t a\\nb\\\\c ");
        assertEquals(" a\nb\\c ", StatusParser.parse(text).name());
    }

    @Test
    void parsesGroupsAndUnsignedIds() {
        String text = ProcFixtures.text("oddities/status")
                .replace("Groups:\t \n", "Groups:\t4 24 27 \n")
                .replace("Uid:\t0\t0\t0\t0", "Uid:\t1000\t4294967295\t1000\t1000");
        ProcStatus s = StatusParser.parse(text);
        assertEquals(List.of(4, 24, 27), s.groups());
        assertEquals(-1, s.uid()[ProcStatus.EFFECTIVE]);
        assertEquals(1000, s.uid()[ProcStatus.FILESYSTEM]);
    }

    @Test
    void rejectsAFileWithoutRequiredLines() {
        MalformedProcFileException e = assertThrows(MalformedProcFileException.class,
                () -> StatusParser.parse("Name:\tx\nState:\tR (running)\n"));
        assertTrue(e.getMessage().startsWith("status: no '"), e.getMessage());
    }
}
