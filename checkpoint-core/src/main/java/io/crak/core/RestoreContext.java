package io.crak.core;

import io.crak.core.image.ProcessImage;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a resource restorer may use for one process being rebuilt: injected system calls in any
 * of its (already created) threads, its memory, and a data area inside the restore area where
 * the arguments of those calls (paths, structs) are placed.
 */
public final class RestoreContext implements AutoCloseable {
    public final ProcessImage image;
    public final RestoreSession session;
    private ProcessMemory memory;
    private long dataNext;

    RestoreContext(ProcessImage image, RestoreSession session) {
        this.image = image;
        this.session = session;
        resetData();
    }

    /** The pid the images and the restored tree know: for system calls run inside the tree. */
    public int pid() {
        return image.pid;
    }

    /** The pid crak sees: for ptrace and /proc. */
    public int hostPid() {
        return session.hostPid(image.pid);
    }

    public RemoteSyscall remote(int tid) {
        return session.remote(tid);
    }

    public RemoteSyscall leader() {
        return remote(image.pid);
    }

    public ProcessMemory memory() throws IOException {
        if (memory == null) {
            memory = new ProcessMemory(hostPid(), true);
        }
        return memory;
    }

    /**
     * Opens, in this process, a new description of a file crak holds open at crakFd: through
     * crak's /proc/PID/fd, reached from the directory descriptor of crak's /proc the tree inherited
     * (once the tree has a pid namespace of its own, its /proc does not show crak).
     */
    public long openCrakFd(int crakFd, int flags, String what) throws CrakException, IOException {
        resetData();
        String path = io.crak.core.jna.Tracer.getpid() + "/fd/" + crakFd;
        return leader().check(what + " (crak's fd " + crakFd + ")", io.crak.core.ptrace.Syscalls.OPENAT,
                session.crakProcFd, putString(path), flags, 0);
    }

    /** Forgets earlier data placements: call before preparing the arguments of a new call. */
    public void resetData() {
        dataNext = session.area.dataStart();
    }

    /** Copies bytes into the data area, 16-byte aligned, and returns their address in the process. */
    public long putData(byte[] data) throws IOException, CrakException {
        long addr = dataNext;
        if (addr + data.length > session.area.end()) {
            throw new CrakException("pid " + image.pid + ": restore data area too small for " + data.length + " bytes");
        }
        memory().write(addr, data);
        dataNext = (addr + data.length + 15) & ~15L;
        return addr;
    }

    public long putString(String s) throws IOException, CrakException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return putData(z);
    }

    public long putLongs(long... values) throws IOException, CrakException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return putData(b.array());
    }

    /** Reserves zeroed space for an out-argument. */
    public long reserve(int bytes) throws IOException, CrakException {
        return putData(new byte[bytes]);
    }

    @Override
    public void close() throws IOException {
        if (memory != null) {
            memory.close();
        }
    }
}
