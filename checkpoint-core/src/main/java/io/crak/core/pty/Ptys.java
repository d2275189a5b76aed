package io.crak.core.pty;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.FdKinds;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.files.FilesRestorer;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.PidfdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PtyCalls;
import io.crak.core.proc.FdInfo;
import io.crak.core.proc.ProcStat;
import io.crak.core.proc.StatParser;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.crak.core.image.ProcessImage;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Path;

/**
 * Descriptors on the slave side of a pseudo-terminal (/dev/pts/N): a job started under a terminal.
 * The terminal itself (its other side) is not the job's, so the restore opens a new pty pair per
 * terminal of the image, gives it the dumped termios and window size, hands the job descriptors on
 * the new slave, makes it the controlling terminal of the session leader (TIOCSCTTY, injected)
 * with its foreground process group (TIOCSPGRP), and relays the master to crak's own terminal
 * ({@link TerminalRelay}). A job without a terminal stays without one.
 */
public final class Ptys implements FdKind {
    private static final String PTS_PREFIX = "/dev/pts/";
    private static final int PTS_FIRST_MAJOR = 136;
    private static final int F_SETFL = 4;
    private static final long TIOCSCTTY = 0x540E;
    private static final long TIOCSPGRP = 0x5410;

    /** The new terminal of each dumped one (by its old path), per restore, until {@link #finish}. */
    private final Map<RestoreSession, Map<String, NewTerminal>> terminals = new IdentityHashMap<>();

    private record NewTerminal(int master, int slave, String path, PtyState state) {
    }

    @Override
    public String name() {
        return "pty";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.startsWith(PTS_PREFIX) && link.substring(PTS_PREFIX.length()).matches("\\d+");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        String where = "pid " + ctx.pid() + " fd " + fd + ": ";
        byte[] termios;
        byte[] winsize;
        int dup;
        try {
            dup = PidfdCalls.duplicate(ctx.pid(), fd);
        } catch (NativeException e) {
            throw new CrakException(where + e.getMessage(), e);
        }
        try {
            termios = PtyCalls.get(dup, PtyCalls.TCGETS, PtyCalls.TERMIOS_BYTES, "TCGETS");
            winsize = PtyCalls.get(dup, PtyCalls.TIOCGWINSZ, PtyCalls.WINSIZE_BYTES, "TIOCGWINSZ");
        } catch (NativeException e) {
            throw new CrakException(where + "terminal " + link + ": " + e.getMessage(), e);
        } finally {
            FdCalls.close(dup);
        }
        int ttyNr = ttyNr(Integer.parseInt(link.substring(PTS_PREFIX.length())));
        for (int pid : ctx.session.treePids) {
            ProcStat st = StatParser.parse(ctx.proc.read(pid, "stat"));
            if (st.ttyNr() == ttyNr && st.session() == pid) {
                return new PtyState(termios, winsize, ctx.imagePid(pid), ctx.imagePid(st.tpgid()));
            }
        }
        return new PtyState(termios, winsize, 0, 0);
    }

    /** The tty_nr of /proc/PID/stat for /dev/pts/n (major 136 + n / 256, minor n % 256). */
    static int ttyNr(int n) {
        int major = PTS_FIRST_MAJOR + n / 256;
        int minor = n % 256;
        return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        String where = "pid " + ctx.pid() + " fd " + f.fd() + ": ";
        if (!(f.state() instanceof PtyState st)) {
            throw new CrakException(where + "image holds no terminal state for " + f.path());
        }
        NewTerminal t;
        int slave;
        try {
            t = terminalFor(ctx.session, f.path(), st);
            slave = PtyCalls.open(t.path());
        } catch (NativeException e) {
            throw new CrakException(where + "a new terminal for " + f.path() + ": " + e.getMessage(), e);
        }
        try {
            long fd = FilesRestorer.takeFromCrak(ctx.session, ctx.leader(), slave);
            ctx.leader().check("fcntl(F_SETFL) of terminal fd " + fd, Syscalls.FCNTL, fd, F_SETFL, f.flags());
            return fd;
        } finally {
            FdCalls.close(slave);
        }
    }

    private NewTerminal terminalFor(RestoreSession session, String oldPath, PtyState st) throws NativeException {
        synchronized (terminals) {
            Map<String, NewTerminal> bySession = terminals.computeIfAbsent(session, k -> new LinkedHashMap<>());
            NewTerminal t = bySession.get(oldPath);
            if (t == null) {
                int[] m = PtyCalls.openMaster();
                String path = PTS_PREFIX + m[1];
                int slave = PtyCalls.open(path);
                PtyCalls.set(slave, PtyCalls.TCSETS, st.termios(), "TCSETS");
                PtyCalls.set(slave, PtyCalls.TIOCSWINSZ, st.winsize(), "TIOCSWINSZ");
                t = new NewTerminal(m[0], slave, path, st);
                bySession.put(oldPath, t);
            } else if (t.state().sessionLeader() == 0 && st.sessionLeader() != 0) {
                t = new NewTerminal(t.master(), t.slave(), t.path(), st);
                bySession.put(oldPath, t);
            }
            return t;
        }
    }

    /**
     * Makes a new terminal the controlling terminal of a just restored session leader (TIOCSCTTY,
     * injected), when its session had one of the image's terminals. Called right after its setsid
     * and before any of its children is forked: only a fork passes a controlling terminal on.
     */
    public static void takeControllingTerminal(RestoreSession session, List<ProcessImage> images, int leader)
            throws CrakException, IOException {
        for (ProcessImage img : images) {
            for (FdImage f : img.fds) {
                if (f.state() instanceof PtyState st && st.sessionLeader() == leader) {
                    Ptys kind = (Ptys) FdKinds.named("pty");
                    NewTerminal t;
                    try {
                        t = kind.terminalFor(session, f.path(), st);
                    } catch (NativeException e) {
                        throw new CrakException("pid " + leader + ": a new terminal for " + f.path() + ": "
                                + e.getMessage(), e);
                    }
                    RemoteSyscall r = session.remote(leader);
                    long fd = FilesRestorer.takeFromCrak(session, r, t.slave());
                    try {
                        r.check("TIOCSCTTY of " + t.path() + " for the session of pid " + leader, Syscalls.IOCTL, fd,
                                TIOCSCTTY, 0);
                    } finally {
                        r.call(Syscalls.CLOSE, fd);
                    }
                    return;
                }
            }
        }
    }

    @Override
    public void abandon(RestoreSession session) {
        Map<String, NewTerminal> bySession;
        synchronized (terminals) {
            bySession = terminals.remove(session);
        }
        if (bySession != null) {
            for (NewTerminal t : bySession.values()) {
                FdCalls.close(t.slave());
                FdCalls.close(t.master());
            }
        }
    }

    /** Every process exists with its descriptors: the foreground group can be set, the relay start. */
    @Override
    public void finish(RestoreSession session) throws CrakException, IOException {
        Map<String, NewTerminal> bySession;
        synchronized (terminals) {
            bySession = terminals.remove(session);
        }
        if (bySession == null) {
            return;
        }
        try {
            for (NewTerminal t : bySession.values()) {
                if (t.state().sessionLeader() != 0) {
                    makeControlling(session, t);
                }
            }
        } finally {
            for (NewTerminal t : bySession.values()) {
                FdCalls.close(t.slave());
                TerminalRelay.start(t.master(), t.path(), System.out);
            }
        }
    }

    /** In the session leader, whose controlling terminal it is already: TIOCSPGRP. */
    private static void makeControlling(RestoreSession session, NewTerminal t) throws CrakException, IOException {
        int leader = t.state().sessionLeader();
        RemoteSyscall r = session.remote(leader);
        long fd = FilesRestorer.takeFromCrak(session, r, t.slave());
        try {
            if (t.state().foregroundGroup() <= 0) {
                return; // no foreground group: TIOCSCTTY left the leader's own
            }
            long arg = session.area.dataStart();
            try (ProcessMemory mem = new ProcessMemory(session.hostPid(leader), true)) {
                mem.write(arg, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(t.state().foregroundGroup()).array());
            }
            r.check("TIOCSPGRP " + t.state().foregroundGroup() + " of " + t.path(), Syscalls.IOCTL, fd, TIOCSPGRP, arg);
        } finally {
            r.call(Syscalls.CLOSE, fd);
        }
    }
}
