package io.crak.core.epoll;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.proc.EpollTarget;
import io.crak.core.proc.FdInfo;
import io.crak.core.proc.FdInfoParser;
import io.crak.core.proc.ProcessGoneException;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.nio.file.Path;

/**
 * epoll sets: created empty at the epoll's turn, filled in {@link #finish} once every descriptor
 * of every process exists (a registered fd may have a higher number than the epoll itself). The
 * targets come from the fdinfo "tfd:" lines, which name fds of the registering process; a target
 * whose number no longer holds the registered file (closed or replaced after registration) is
 * refused at dump, since the kernel keeps no other name for it.
 */
public final class Epolls implements FdKind {
    private static final int EPOLL_CTL_ADD = 1;
    /** struct epoll_event is packed on x86-64: __u32 events, __u64 data. */
    private static final int EPOLL_EVENT_BYTES = 12;

    /**
     * Sets created by restores in progress, filled and forgotten at their finish; weak, so a
     * restore that failed before its finish leaves nothing behind (sessions compare by identity).
     */
    private final Map<RestoreSession, List<Pending>> pending = new WeakHashMap<>();

    private record Pending(int pid, int fd, EpollState state) {
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.equals("anon_inode:[eventpoll]");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        List<EpollState.Target> targets = new ArrayList<>();
        for (EpollTarget t : info.epollTargets()) {
            long ino;
            try {
                ino = FdInfoParser.parse(ctx.proc.read(ctx.pid(), "fdinfo/" + t.tfd())).ino();
            } catch (NoSuchFileException | ProcessGoneException e) {
                ino = -1; // that fd number is closed (ProcFiles reports any ENOENT as a gone process)
            }
            if (ino != t.ino()) {
                throw new CrakException("pid " + ctx.pid() + " fd " + fd + ": epoll target fd " + t.tfd()
                        + " (inode " + t.ino() + ") was closed or replaced after registration; not supported");
            }
            targets.add(new EpollState.Target(t.tfd(), t.events(), t.data()));
        }
        return new EpollState(targets);
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException {
        long fd = ctx.leader().check("epoll_create1 for fd " + f.fd(), Syscalls.EPOLL_CREATE1, 0);
        synchronized (pending) {
            pending.computeIfAbsent(ctx.session, s -> new ArrayList<>())
                    .add(new Pending(ctx.pid(), f.fd(), (EpollState) f.state()));
        }
        return fd;
    }

    @Override
    public void abandon(RestoreSession session) {
        synchronized (pending) {
            pending.remove(session);
        }
    }

    @Override
    public void finish(RestoreSession session) throws CrakException, IOException {
        List<Pending> sets;
        synchronized (pending) {
            sets = pending.remove(session);
        }
        if (sets == null) {
            return;
        }
        long event = session.area.dataStart();
        for (Pending p : sets) {
            RemoteSyscall r = session.remote(p.pid());
            try (ProcessMemory mem = new ProcessMemory(session.hostPid(p.pid()), true)) {
                for (EpollState.Target t : p.state().targets()) {
                    ByteBuffer b = ByteBuffer.allocate(EPOLL_EVENT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    mem.write(event, b.putInt(t.events()).putLong(t.data()).array());
                    r.check("epoll_ctl(ADD) of fd " + t.fd() + " to epoll fd " + p.fd() + " of pid " + p.pid(),
                            Syscalls.EPOLL_CTL, p.fd(), EPOLL_CTL_ADD, t.fd(), event);
                }
            }
        }
    }
}
