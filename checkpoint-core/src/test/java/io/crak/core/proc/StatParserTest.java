package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatParserTest {
    @Test
    void commWithSpacesAndParenthesesDoesNotShiftFields() {
        ProcStat stat = StatParser.parse(ProcFixtures.text("oddities/stat"));
        ProcStatus status = StatusParser.parse(ProcFixtures.text("oddities/status"));
        assertEquals("a) (b c)", stat.comm());
        assertEquals(status.pid(), stat.pid());
        assertEquals(status.ppid(), stat.ppid());
        assertEquals('S', stat.state());
        assertEquals(1, stat.numThreads());
        assertEquals(17, stat.exitSignal()); // SIGCHLD
        assertEquals(-1L, stat.rsslim()); // RLIM_INFINITY, printed as 18446744073709551615
        // the process blocked SIGUSR2 (12) and ignores SIGHUP (1): the obsolete decimal masks agree
        assertEquals(status.sigBlk(), stat.blocked());
        assertEquals(status.sigIgn(), stat.sigignore());
        assertTrue(stat.startCode() < stat.endCode());
        assertTrue(stat.startData() < stat.endData());
        assertTrue(stat.argStart() < stat.argEnd() && stat.argEnd() <= stat.envStart());
        assertTrue(stat.envStart() < stat.envEnd());
        assertTrue(stat.startBrk() >= stat.endData());
        assertEquals(0, stat.exitCode());
    }

    @Test
    void parsesAZombie() {
        ProcStat stat = StatParser.parse(ProcFixtures.text("zombie/stat"));
        assertEquals('Z', stat.state());
        assertTrue(stat.isExited());
        assertEquals("true", stat.comm());
        assertEquals(0, stat.vsize());
        assertEquals(0, stat.rss());
    }

    @Test
    void parsesAThreadOfAMultiThreadedJvm() {
        ProcStat task = StatParser.parse(ProcFixtures.text("java/task-stat"));
        ProcStat process = StatParser.parse(ProcFixtures.text("java/stat"));
        ProcStatus taskStatus = StatusParser.parse(ProcFixtures.text("java/task-status"));
        assertNotEquals(process.pid(), task.pid());
        assertEquals(taskStatus.pid(), task.pid());
        assertEquals(process.pid(), taskStatus.tgid());
        assertTrue(process.numThreads() > 1);
        assertEquals(process.numThreads(), task.numThreads());
        assertEquals(process.session(), task.session());
        assertFalse(task.isExited());
    }

    @Test
    void takesTheLastParenthesisEvenWhenCommEndsWithOne() {
        String text = "42 (x) y (z)) R 1 42 42 0 -1 4194304 1 2 3 4 5 6 7 8 20 -5 1 0 99 1000 10 "
                + "18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 4 5 6 7 8 9 10 -3\n";
        ProcStat stat = StatParser.parse(text);
        assertEquals("x) y (z)", stat.comm());
        assertEquals('R', stat.state());
        assertEquals(5, stat.utime());
        assertEquals(6, stat.stime());
        assertEquals(11, stat.cpuTicks());
        assertEquals(-5, stat.nice());
        assertEquals(99, stat.startTime());
        assertEquals(10, stat.envEnd());
        assertEquals(-3, stat.exitCode());
    }

    @Test
    void rejectsATruncatedLine() {
        MalformedProcFileException e = assertThrows(MalformedProcFileException.class,
                () -> StatParser.parse("42 (x) R 1 42 42 0"));
        assertTrue(e.getMessage().startsWith("stat: 5 fields after comm"), e.getMessage());
        assertThrows(MalformedProcFileException.class, () -> StatParser.parse("garbage"));
    }
}
