package io.crak.core.memory;

import io.crak.core.CrakException;
import io.crak.core.PhaseLog;
import io.crak.core.RestoreContext;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PidfdCalls;
import io.crak.core.jna.UserfaultCalls;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.util.ArrayList;
import java.util.List;

/**
 * A userfaultfd on a restored process's memory, held by crak, through which crak fills private
 * anonymous memory with UFFDIO_COPY: the kernel allocates each missing page and copies into it in
 * one step, where populating first (MADV_POPULATE_WRITE) zeroes every page only to overwrite it —
 * for a memory-heavy job that zeroing is as costly as the copy itself. The descriptor is created
 * inside the process (a userfaultfd acts on the memory of its creator), duplicated into crak with
 * pidfd_getfd and closed in the process at once, so the restored process never keeps it. Ranges are
 * registered only while their pages are copied, and unregistered on close.
 */
final class UserfaultPages implements AutoCloseable {
    private static final int O_CLOEXEC = 0x80000;
    private final int uffd;
    private final int pid;
    private final List<long[]> registered = new ArrayList<>();

    private UserfaultPages(int uffd, int pid) {
        this.uffd = uffd;
        this.pid = pid;
    }

    /**
     * A userfaultfd on the process's memory, or null when the process cannot have one (a kernel
     * without it, a seccomp filter, a refused handshake): the caller then fills pages the slower way.
     */
    static UserfaultPages open(RestoreContext ctx, RemoteSyscall r) throws CrakException {
        long remote = r.call(Syscalls.USERFAULTFD, O_CLOEXEC | UserfaultCalls.UFFD_USER_MODE_ONLY);
        if (remote < 0) {
            PhaseLog.note("pid " + ctx.pid() + ": no userfaultfd (errno " + -remote + "), pages are populated and copied");
            return null;
        }
        int uffd = -1;
        try {
            uffd = PidfdCalls.duplicate(ctx.hostPid(), (int) remote);
            UserfaultCalls.handshake(uffd);
            return new UserfaultPages(uffd, ctx.pid());
        } catch (NativeException e) {
            if (uffd >= 0) {
                FdCalls.close(uffd);
            }
            PhaseLog.note("pid " + ctx.pid() + ": userfaultfd unusable (" + e.getMessage() + "), pages are populated and copied");
            return null;
        } finally {
            r.call(Syscalls.CLOSE, remote);
        }
    }

    /** Makes [start, start+len), one whole mapping of private anonymous memory, fillable by copy. */
    void register(long start, long len) throws CrakException {
        try {
            UserfaultCalls.register(uffd, start, len);
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + ": " + e.getMessage());
        }
        registered.add(new long[] {start, len});
    }

    /** Copies len bytes at src in crak's memory to dst in the process; dst must be registered. */
    void copy(long dst, long src, long len) throws CrakException {
        try {
            UserfaultCalls.copy(uffd, dst, src, len);
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + ": filling memory: " + e.getMessage());
        }
    }

    @Override
    public void close() throws CrakException {
        try {
            for (long[] range : registered) {
                UserfaultCalls.unregister(uffd, range[0], range[1]);
            }
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + ": " + e.getMessage());
        } finally {
            FdCalls.close(uffd);
        }
    }
}
