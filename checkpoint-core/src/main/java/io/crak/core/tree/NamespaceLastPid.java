package io.crak.core.tree;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreSession;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * /proc/sys/kernel/ns_last_pid of a pid namespace of the tree's own. The file shows the namespace
 * of whoever reads or writes it, so both are system calls run inside the namespace's init.
 */
final class NamespaceLastPid {
    static final String PATH = "/proc/sys/kernel/ns_last_pid";
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int TEXT_MAX_BYTES = 16;

    private NamespaceLastPid() {
    }

    static int read(DumpContext ctx) throws CrakException, IOException {
        long scratch = ctx.scratch();
        long buf = scratch + 64;
        ctx.memory().write(scratch, (PATH + "\0").getBytes(StandardCharsets.US_ASCII));
        RemoteSyscall r = ctx.leaderRemote();
        long fd = r.check("open of " + PATH, Syscalls.OPEN, scratch, O_RDONLY, 0);
        long n;
        try {
            n = r.check("read of " + PATH, Syscalls.READ, fd, buf, TEXT_MAX_BYTES);
        } finally {
            r.call(Syscalls.CLOSE, fd);
        }
        String text = new String(ctx.memory().read(buf, (int) n), StandardCharsets.US_ASCII).strip();
        ctx.releaseScratch(); // the tree is dumped before the memory: see DumpContext.releaseScratch
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new CrakException("pid " + ctx.pid() + ": " + PATH + " of its pid namespace says '" + text + "'");
        }
    }

    static void write(RestoreSession session, int initImagePid, int lastPid) throws CrakException, IOException {
        long path = session.area.dataStart();
        long text = path + 64;
        byte[] value = Integer.toString(lastPid).getBytes(StandardCharsets.US_ASCII);
        try (ProcessMemory mem = new ProcessMemory(session.hostPid(initImagePid), true)) {
            mem.write(path, (PATH + "\0").getBytes(StandardCharsets.US_ASCII));
            mem.write(text, value);
        }
        RemoteSyscall r = session.remote(initImagePid);
        long fd = r.check("open of " + PATH + " of the new pid namespace", Syscalls.OPEN, path, O_WRONLY, 0);
        try {
            r.check("write of " + lastPid + " to " + PATH, Syscalls.WRITE, fd, text, value.length);
        } finally {
            r.call(Syscalls.CLOSE, fd);
        }
    }
}
