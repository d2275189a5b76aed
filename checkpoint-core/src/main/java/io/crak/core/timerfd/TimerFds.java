package io.crak.core.timerfd;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.proc.FdInfo;
import io.crak.core.proc.TimerFdState;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.proc.FdInfoParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.nio.file.Path;

/**
 * timerfd: recreated on the same clock and re-armed. A relative timer gets the time it had left
 * at the dump (the job does not see the time it spent checkpointed or dead, as with any of its
 * other timers); an absolute CLOCK_REALTIME timer keeps its wall-clock expiry. Expirations not
 * yet read are put back with TFD_IOC_SET_TICKS.
 */
public final class TimerFds implements FdKind {
    private static final int O_NONBLOCK = 04000;
    private static final int TFD_TIMER_ABSTIME = 1;
    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_REALTIME_ALARM = 8;
    /** _IOW('T', 0, __u64) */
    private static final long TFD_IOC_SET_TICKS = 0x40085400L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    @Override
    public String name() {
        return "timerfd";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.equals("anon_inode:[timerfd]");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        // fdinfo shows an expired periodic timer as disarmed until it is read; timerfd_gettime
        // moves it forward (counting the missed expirations as ticks) and gives its true remaining time
        long its = ctx.scratch();
        ctx.leaderRemote().check("timerfd_gettime of fd " + fd, Syscalls.TIMERFD_GETTIME, fd, its);
        ByteBuffer b = ByteBuffer.wrap(ctx.memory().read(its, 32)).order(ByteOrder.LITTLE_ENDIAN);
        long interval = b.getLong() * NANOS_PER_SECOND + b.getLong();
        long value = b.getLong() * NANOS_PER_SECOND + b.getLong();
        TimerFdState t = FdInfoParser.parse(ctx.proc.read(ctx.pid(), "fdinfo/" + fd)).timerfd()
                .orElseThrow(() -> new CrakException("pid " + ctx.pid() + " fd " + fd
                        + ": timerfd without clockid/ticks lines in its fdinfo"));
        Instant now = Instant.now();
        return new TimerFdImage(t.clockId(), t.ticks(), t.settimeFlags(), value, interval,
                now.getEpochSecond() * NANOS_PER_SECOND + now.getNano());
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        TimerFdImage t = (TimerFdImage) f.state();
        RemoteSyscall r = ctx.leader();
        long fd = r.check("timerfd_create on clock " + t.clockId() + " for fd " + f.fd(), Syscalls.TIMERFD_CREATE,
                t.clockId(), f.flags() & O_NONBLOCK);
        if (t.remainingNanos() != 0) {
            boolean absolute = (t.settimeFlags() & TFD_TIMER_ABSTIME) != 0
                    && (t.clockId() == CLOCK_REALTIME || t.clockId() == CLOCK_REALTIME_ALARM);
            long value = absolute ? t.dumpedAtRealtimeNanos() + t.remainingNanos() : t.remainingNanos();
            long its = ctx.putLongs(t.intervalNanos() / NANOS_PER_SECOND, t.intervalNanos() % NANOS_PER_SECOND,
                    value / NANOS_PER_SECOND, value % NANOS_PER_SECOND);
            r.check("timerfd_settime of fd " + f.fd(), Syscalls.TIMERFD_SETTIME, fd,
                    absolute ? t.settimeFlags() : 0, its, 0);
        }
        if (t.ticks() != 0) {
            long ticks = ctx.putLongs(t.ticks());
            r.check("ioctl(TFD_IOC_SET_TICKS) of fd " + f.fd(), Syscalls.IOCTL, fd, TFD_IOC_SET_TICKS, ticks);
        }
        return fd;
    }
}
