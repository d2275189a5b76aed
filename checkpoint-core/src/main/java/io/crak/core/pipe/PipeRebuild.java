package io.crak.core.pipe;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.files.FdImage;
import io.crak.core.files.FilesRestorer;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PipeCalls;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The pipes of one restore. An anonymous pipe is created once, in the first restored process that
 * has one of its ends, where both ends are kept as helper descriptors above every descriptor of
 * that process's image; each description then takes its end from there (dup in that process,
 * pidfd_getfd in others, or a reopen through /proc for a further description of the same end).
 * A FIFO is kept open by crak for reading while the processes reopen it by path, so that no open
 * blocks or fails for want of a reader and its refilled bytes stay. Capacity is set and the bytes
 * buffered at the freeze are written before any process has the pipe. {@link #finish} closes the
 * helpers.
 */
final class PipeRebuild {
    private static final int O_ACCMODE = 3;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int F_SETFL = 4;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_SETPIPE_SZ = 1031;
    private static final Map<RestoreSession, PipeRebuild> ACTIVE = Collections.synchronizedMap(new WeakHashMap<>());

    /** An anonymous pipe created in process {@code pid}, its ends held there at these fds. */
    private static final class Created {
        final int pid;
        final long readHelper;
        final long writeHelper;
        boolean readTaken;
        boolean writeTaken;

        Created(int pid, long readHelper, long writeHelper) {
            this.pid = pid;
            this.readHelper = readHelper;
            this.writeHelper = writeHelper;
        }
    }

    private final Map<String, Created> pipes = new HashMap<>();
    /** crak's own read descriptors of the FIFOs being restored, by pipe id. */
    private final Map<String, Integer> fifoKeepers = new HashMap<>();

    static PipeRebuild of(RestoreSession session) {
        return ACTIVE.computeIfAbsent(session, s -> new PipeRebuild());
    }

    /** Closes the helper descriptors of this restore's pipes (a second call finds nothing to do). */
    static void finish(RestoreSession session) throws CrakException {
        PipeRebuild p = ACTIVE.remove(session);
        if (p == null) {
            return;
        }
        p.fifoKeepers.values().forEach(FdCalls::close);
        for (Created c : p.pipes.values()) {
            RemoteSyscall r = session.remote(c.pid);
            r.check("close of pipe helper fd " + c.readHelper, Syscalls.CLOSE, c.readHelper);
            r.check("close of pipe helper fd " + c.writeHelper, Syscalls.CLOSE, c.writeHelper);
        }
    }

    /** The restore failed: closes crak's FIFO keepers (the helpers in the tree die with it). */
    static void abandon(RestoreSession session) {
        PipeRebuild p = ACTIVE.remove(session);
        if (p != null) {
            p.fifoKeepers.values().forEach(FdCalls::close);
        }
    }

    long openAnonymous(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        PipeState s = (PipeState) f.state();
        RemoteSyscall r = ctx.leader();
        Created c = pipes.get(s.pipeId());
        if (c == null) {
            c = create(ctx, f, s);
            pipes.put(s.pipeId(), c);
        }
        int access = f.flags() & O_ACCMODE;
        long fd;
        if (access == O_RDONLY && !c.readTaken) {
            c.readTaken = true;
            fd = handOver(ctx, c, c.readHelper);
        } else if (access == O_WRONLY && !c.writeTaken) {
            c.writeTaken = true;
            fd = handOver(ctx, c, c.writeHelper);
        } else {
            // a further description of an end (the dumped process reopened it through /proc)
            long helper = access == O_WRONLY ? c.writeHelper : c.readHelper;
            String via = "/proc/" + c.pid + "/fd/" + helper;
            fd = r.check("open of " + f.path() + " through " + via, Syscalls.OPEN, ctx.putString(via),
                    access | O_NONBLOCK | O_CLOEXEC, 0);
        }
        setNonblock(r, fd, f);
        return fd;
    }

    long openFifo(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        PipeState s = (PipeState) f.state();
        String where = "pid " + ctx.pid() + " fd " + f.fd() + ": FIFO " + f.path();
        if (!fifoKeepers.containsKey(s.pipeId())) {
            try {
                int keeper = FdCalls.open(f.path(), FdCalls.O_RDONLY | FdCalls.O_NONBLOCK);
                fifoKeepers.put(s.pipeId(), keeper);
                PipeCalls.setCapacity(keeper, s.capacityBytes());
                if (s.buffered() != null && s.buffered().length > 0) {
                    int w = FdCalls.open(f.path(), FdCalls.O_WRONLY | FdCalls.O_NONBLOCK);
                    try {
                        PipeCalls.writeAll(w, s.buffered());
                    } finally {
                        FdCalls.close(w);
                    }
                }
            } catch (NativeException e) {
                throw new CrakException(where + ": " + e.getMessage(), e);
            }
        }
        RemoteSyscall r = ctx.leader();
        long fd = r.check("open of FIFO " + f.path(), Syscalls.OPEN, ctx.putString(f.path()),
                (f.flags() & O_ACCMODE) | O_NONBLOCK | O_CLOEXEC, 0);
        setNonblock(r, fd, f);
        return fd;
    }

    private static Created create(RestoreContext ctx, FdImage f, PipeState s) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        long out = ctx.reserve(8);
        r.check("pipe2 for " + f.path(), Syscalls.PIPE2, out, O_CLOEXEC);
        ByteBuffer b = ByteBuffer.wrap(ctx.memory().read(out, 8)).order(ByteOrder.LITTLE_ENDIAN);
        int readEnd = b.getInt();
        int writeEnd = b.getInt();
        // above every descriptor of this process's image: nothing restored after lands on them
        long base = ctx.image.fds.stream().mapToInt(FdImage::fd).max().orElse(0) + 1L;
        long readHelper = r.check("fcntl(F_DUPFD_CLOEXEC) of a pipe end", Syscalls.FCNTL, readEnd, F_DUPFD_CLOEXEC, base);
        long writeHelper = r.check("fcntl(F_DUPFD_CLOEXEC) of a pipe end", Syscalls.FCNTL, writeEnd, F_DUPFD_CLOEXEC, base);
        r.call(Syscalls.CLOSE, readEnd);
        r.call(Syscalls.CLOSE, writeEnd);
        r.check("fcntl(F_SETPIPE_SZ, " + s.capacityBytes() + ") of " + f.path(), Syscalls.FCNTL, writeHelper,
                F_SETPIPE_SZ, s.capacityBytes());
        if (s.buffered() != null && s.buffered().length > 0) {
            String via = "/proc/" + ctx.hostPid() + "/fd/" + writeHelper; // opened by crak
            try {
                int w = FdCalls.open(via, FdCalls.O_WRONLY | FdCalls.O_NONBLOCK);
                try {
                    PipeCalls.writeAll(w, s.buffered());
                } finally {
                    FdCalls.close(w);
                }
            } catch (NativeException e) {
                throw new CrakException("pid " + ctx.pid() + " fd " + f.fd() + ": refilling " + f.path() + ": "
                        + e.getMessage(), e);
            }
        }
        return new Created(ctx.pid(), readHelper, writeHelper);
    }

    private static long handOver(RestoreContext ctx, Created c, long helper) throws CrakException {
        if (c.pid == ctx.pid()) {
            return ctx.leader().check("fcntl(F_DUPFD_CLOEXEC) of pipe helper fd " + helper, Syscalls.FCNTL, helper,
                    F_DUPFD_CLOEXEC, 0);
        }
        return FilesRestorer.takeFrom(ctx.leader(), c.pid, (int) helper);
    }

    /** O_NONBLOCK belongs to the description: set it as dumped (other F_SETFL flags are not used on pipes). */
    private static void setNonblock(RemoteSyscall r, long fd, FdImage f) throws CrakException {
        r.check("fcntl(F_SETFL) of fd " + fd, Syscalls.FCNTL, fd, F_SETFL, f.flags() & O_NONBLOCK);
    }
}
