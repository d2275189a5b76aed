package io.crak.core.tree;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The mount namespace that goes with a restored pid namespace, as crak-init makes it for a new
 * job: a copy of the host's mounts that still receives the host's later mounts (a slave, so
 * shared storage mounted afterwards shows up in the job) with a /proc of the new pid namespace.
 *
 * <p>Mounted from the namespace's pid 1 right after it is cloned, while it still has the restorer's
 * credentials, and before any other process of the tree exists: from then on every /proc path the
 * restore opens inside the tree names image pids, as the job will.
 */
final class PidNamespaceMounts {
    private static final long MS_NOSUID = 0x2;
    private static final long MS_NODEV = 0x4;
    private static final long MS_NOEXEC = 0x8;
    private static final long MS_REC = 0x4000;
    private static final long MS_SLAVE = 0x80000;

    private PidNamespaceMounts() {
    }

    static void mountOwnProc(RestoreSession session, int rootImagePid) throws CrakException, IOException {
        long root = session.area.dataStart();
        long proc = root + 16;
        byte[] rootPath = "/\0".getBytes(StandardCharsets.US_ASCII);
        byte[] procPath = "/proc\0".getBytes(StandardCharsets.US_ASCII);
        try (ProcessMemory mem = new ProcessMemory(session.hostPid(rootImagePid), true)) {
            mem.write(root, rootPath);
            mem.write(proc, procPath);
        }
        RemoteSyscall r = session.remote(rootImagePid);
        r.check("making / a recursive slave mount in the new mount namespace", Syscalls.MOUNT, 0, root, 0,
                MS_REC | MS_SLAVE, 0);
        // "proc" is both the source and the file system type: /proc + 1 is "proc"
        r.check("mounting /proc of the new pid namespace", Syscalls.MOUNT, proc + 1, proc, proc + 1,
                MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
    }
}
