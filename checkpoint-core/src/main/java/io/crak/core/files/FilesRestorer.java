package io.crak.core.files;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Closes whatever the restorer had open, then reopens every descriptor at its number, flags and
 * offset — or, for one sharing its open file description with an earlier descriptor, takes a
 * duplicate of that one (pidfd_getfd across processes, dup2 within one).
 */
public final class FilesRestorer implements Resource.Restorer {
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_NOCTTY = 0400;
    private static final int O_TRUNC = 01000;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(ctx.pid()), "fd"))) {
            for (Path p : s.toList()) {
                r.call(Syscalls.CLOSE, Integer.parseInt(p.getFileName().toString()));
            }
        }
        for (FdImage f : image.fds) {
            ctx.resetData();
            long fd;
            if (f.sharedWithPid() == ctx.pid()) {
                fd = r.check("dup of fd " + f.sharedWithFd(), Syscalls.DUP2, f.sharedWithFd(), f.fd());
            } else if (f.sharedWithPid() != 0) {
                long pidfd = r.check("pidfd_open of pid " + f.sharedWithPid(), Syscalls.PIDFD_OPEN, f.sharedWithPid(), 0);
                try {
                    fd = r.check("pidfd_getfd of pid " + f.sharedWithPid() + " fd " + f.sharedWithFd(),
                            Syscalls.PIDFD_GETFD, pidfd, f.sharedWithFd(), 0);
                } finally {
                    r.call(Syscalls.CLOSE, pidfd);
                }
            } else {
                int flags = f.flags() & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
                fd = r.check("open of " + f.path(), Syscalls.OPEN, ctx.putString(f.path()), flags, 0);
            }
            if (fd != f.fd()) {
                r.check("dup2 to fd " + f.fd(), Syscalls.DUP2, fd, f.fd());
                r.call(Syscalls.CLOSE, fd);
            }
            r.check("fcntl(F_SETFD) of fd " + f.fd(), Syscalls.FCNTL, f.fd(), F_SETFD, f.cloexec() ? FD_CLOEXEC : 0);
            if (f.sharedWithPid() == 0 && f.pos() != 0) {
                r.check("lseek of fd " + f.fd(), Syscalls.LSEEK, f.fd(), f.pos(), 0);
            }
        }
    }
}
