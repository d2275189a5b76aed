package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FdInfoParserTest {
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_RDWR = 02;
    private static final int O_LARGEFILE = 0100000;

    @Test
    void regularFileAtAnOffset() {
        FdInfo info = FdInfoParser.parse(ProcFixtures.text("oddities/fdinfo-file"));
        assertEquals(3, info.pos());
        assertEquals(O_LARGEFILE, info.flags()); // O_RDONLY is 0
        assertTrue(info.mntId() > 0 && info.ino() > 0);
        assertTrue(info.lines().isEmpty());
        assertTrue(info.eventfdCount().isEmpty() && info.timerfd().isEmpty() && info.epollTargets().isEmpty());
    }

    @Test
    void eventfdCountIsHexadecimal() {
        FdInfo info = FdInfoParser.parse(ProcFixtures.text("oddities/fdinfo-eventfd"));
        assertEquals(20, info.eventfdCount().getAsLong()); // eventfd(20, ...) printed as "14"
        assertEquals(true, info.eventfdSemaphore().orElseThrow());
        assertEquals(O_NONBLOCK | O_RDWR, info.flags());
    }

    @Test
    void epollTargets() {
        FdInfo info = FdInfoParser.parse(ProcFixtures.text("oddities/fdinfo-epoll"));
        List<EpollTarget> targets = info.epollTargets();
        assertEquals(1, targets.size());
        EpollTarget t = targets.get(0);
        assertEquals(0x1234, t.data());
        assertEquals(0x5, t.events() & 0x5); // EPOLLIN | EPOLLOUT as registered
        assertTrue(t.tfd() >= 3);
        assertTrue(t.ino() > 0);
        assertEquals(O_CLOEXEC | O_RDWR, info.flags());
    }

    @Test
    void inotifyWatches() {
        List<InotifyWatch> watches = FdInfoParser.parse(ProcFixtures.text("oddities/fdinfo-inotify")).inotifyWatches();
        assertEquals(1, watches.size());
        InotifyWatch w = watches.get(0);
        assertEquals(1, w.wd());
        assertEquals(0x300, w.mask()); // IN_CREATE | IN_DELETE
        assertEquals(0, w.ignoredMask());
        assertEquals(1, w.fileHandleType());
        assertEquals(8, w.fileHandle().length);
    }

    @Test
    void timerfd() {
        TimerFdState t = FdInfoParser.parse(ProcFixtures.text("oddities/fdinfo-timerfd")).timerfd().orElseThrow();
        assertEquals(1, t.clockId()); // CLOCK_MONOTONIC
        assertEquals(0, t.ticks());
        assertEquals(0, t.settimeFlags());
        assertEquals(Duration.ofSeconds(1, 500), t.interval());
        assertTrue(t.armed());
        assertTrue(t.value().compareTo(Duration.ofSeconds(1000)) <= 0 && t.value().compareTo(Duration.ofSeconds(900)) > 0);
    }

    @Test
    void signalfdMask() {
        FdInfo info = FdInfoParser.parse(ProcFixtures.text("oddities/fdinfo-signalfd"));
        long usr1 = 1L << (10 - 1);
        long term = 1L << (15 - 1);
        assertEquals(usr1 | term, info.signalfdMask().getAsLong());
    }

    @Test
    void handWrittenInotifyWithoutHandleAndMissingFlags() {
        FdInfo info = FdInfoParser.parse("pos:\t0\nflags:\t02004000\nmnt_id:\t9\n"
                + "inotify wd:3 ino:1 sdev:2 mask:fff ignored_mask:10\n");
        InotifyWatch w = info.inotifyWatches().get(0);
        assertEquals(3, w.wd());
        assertEquals(0x10, w.ignoredMask());
        assertArrayEquals(new byte[0], w.fileHandle());
        assertEquals(-1, info.ino());
        assertFalse(info.value("nothing").isPresent());
        assertThrows(MalformedProcFileException.class, () -> FdInfoParser.parse("mnt_id:\t9\n"));
        assertEquals("0a0b", HexFormat.of().formatHex(new byte[] {10, 11}));
    }
}
