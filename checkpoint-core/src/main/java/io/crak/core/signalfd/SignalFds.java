package io.crak.core.signalfd;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.proc.FdInfo;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Path;

/** signalfd: recreated with signalfd4 and the same mask; the signals it reads are the process's. */
public final class SignalFds implements FdKind {
    private static final int O_NONBLOCK = 04000;
    private static final int SIGSET_BYTES = 8;

    @Override
    public String name() {
        return "signalfd";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.equals("anon_inode:[signalfd]");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException {
        return new SignalFdState(info.signalfdMask().orElseThrow(() -> new CrakException("pid " + ctx.pid()
                + " fd " + fd + ": signalfd without a sigmask line in its fdinfo")));
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        long mask = ctx.putLongs(((SignalFdState) f.state()).mask());
        return ctx.leader().check("signalfd4 for fd " + f.fd(), Syscalls.SIGNALFD4, -1, mask, SIGSET_BYTES,
                f.flags() & O_NONBLOCK);
    }
}
