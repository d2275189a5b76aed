package io.crak.core.files;

import io.crak.core.CrakException;
import io.crak.core.FdKinds;
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
 * Closes whatever the restorer had open, then recreates every descriptor through its
 * {@link FdKind} at its number with its close-on-exec flag and offset — or, for one sharing its
 * open file description with an earlier descriptor, takes a duplicate of that one (pidfd_getfd
 * across processes, dup2 within one).
 */
public final class FilesRestorer implements Resource.Restorer {
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(ctx.hostPid()), "fd"))) {
            for (Path p : s.toList()) {
                int fd = Integer.parseInt(p.getFileName().toString());
                if (!ctx.session.isRestorerFd(fd)) {
                    r.call(Syscalls.CLOSE, fd);
                }
            }
        }
        for (FdImage f : image.fds) {
            ctx.resetData();
            long fd;
            FdKind kind = null;
            if (f.sharedWithPid() == ctx.pid()) {
                fd = r.check("dup of fd " + f.sharedWithFd(), Syscalls.DUP2, f.sharedWithFd(), f.fd());
            } else if (f.sharedWithPid() != 0) {
                fd = takeFrom(r, f.sharedWithPid(), f.sharedWithFd());
            } else {
                kind = FdKinds.named(f.kind());
                fd = kind.open(ctx, f);
            }
            if (fd != f.fd()) {
                r.check("dup2 to fd " + f.fd(), Syscalls.DUP2, fd, f.fd());
                r.call(Syscalls.CLOSE, fd);
            }
            r.check("fcntl(F_SETFD) of fd " + f.fd(), Syscalls.FCNTL, f.fd(), F_SETFD, f.cloexec() ? FD_CLOEXEC : 0);
            if (kind != null && kind.seekable() && f.pos() != 0) {
                r.check("lseek of fd " + f.fd(), Syscalls.LSEEK, f.fd(), f.pos(), 0);
            }
        }
    }

    /**
     * A duplicate of a descriptor crak itself made (a socket in repair mode, a new terminal), via
     * pidfd_getfd on the pidfd of crak every restored process inherited from the restorer process:
     * crak's pid does not exist in a pid namespace of the tree's own, so pidfd_open could not find it.
     */
    public static long takeFromCrak(io.crak.core.RestoreSession session, RemoteSyscall r, int fd) throws CrakException {
        return r.check("pidfd_getfd of crak's fd " + fd, Syscalls.PIDFD_GETFD, session.crakPidfd, fd, 0);
    }

    /**
     * A duplicate of another process's descriptor (same open file description), via pidfd_getfd;
     * pid is an image pid, looked up by the process r runs in.
     */
    public static long takeFrom(RemoteSyscall r, int pid, int fd) throws CrakException {
        long pidfd = r.check("pidfd_open of pid " + pid, Syscalls.PIDFD_OPEN, pid, 0);
        try {
            return r.check("pidfd_getfd of pid " + pid + " fd " + fd, Syscalls.PIDFD_GETFD, pidfd, fd, 0);
        } finally {
            r.call(Syscalls.CLOSE, pidfd);
        }
    }
}
