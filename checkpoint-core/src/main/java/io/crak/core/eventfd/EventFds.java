package io.crak.core.eventfd;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.proc.FdInfo;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Path;

/**
 * eventfd: recreated empty with eventfd2 and its counter written back (a write adds to the
 * counter, and unlike eventfd2's initval it takes the full 64 bits).
 */
public final class EventFds implements FdKind {
    static final String LINK = "anon_inode:[eventfd]";
    private static final int EFD_SEMAPHORE = 1;
    private static final int O_NONBLOCK = 04000;

    @Override
    public String name() {
        return "eventfd";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.equals(LINK);
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException {
        long count = info.eventfdCount().orElseThrow(() -> new CrakException("pid " + ctx.pid() + " fd " + fd
                + ": eventfd without an eventfd-count line in its fdinfo"));
        boolean semaphore = info.eventfdSemaphore().orElseThrow(() -> new CrakException("pid " + ctx.pid() + " fd "
                + fd + ": this kernel does not show eventfd-semaphore in fdinfo; the eventfd mode is unknown"));
        return new EventFdState(count, semaphore);
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        EventFdState s = (EventFdState) f.state();
        RemoteSyscall r = ctx.leader();
        int flags = (f.flags() & O_NONBLOCK) | (s.semaphore() ? EFD_SEMAPHORE : 0);
        long fd = r.check("eventfd2 for fd " + f.fd(), Syscalls.EVENTFD2, 0, flags);
        if (s.count() != 0) {
            long buf = ctx.putLongs(s.count());
            long n = r.check("write of the eventfd counter of fd " + f.fd(), Syscalls.WRITE, fd, buf, 8);
            if (n != 8) {
                throw new CrakException("pid " + ctx.pid() + " fd " + f.fd() + ": eventfd counter write returned " + n);
            }
        }
        return fd;
    }
}
