package io.crak.core;

import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.SeizedProcess;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.ptrace.TracedThread;
import io.crak.core.proc.ProcFiles;
import java.io.IOException;

/**
 * What a resource dumper may use for one seized process: its threads, /proc, its memory, and
 * injected system calls in its threads (with a scratch page for their arguments).
 */
public final class DumpContext implements AutoCloseable {
    public static final int SCRATCH_BYTES = 4096;

    public final SeizedProcess process;
    public final DumpSession session;
    public final ProcFiles proc;
    private ProcessMemory memory;

    DumpContext(SeizedProcess process, DumpSession session, ProcFiles proc) {
        this.process = process;
        this.session = session;
        this.proc = proc;
    }

    /** The pid as crak sees it: for ptrace and /proc. */
    public int pid() {
        return process.pid;
    }

    /** What the images call the task crak sees as {@code hostPid} (0: outside the tree's pid namespace). */
    public int imagePid(int hostPid) {
        return session.pids.image(hostPid);
    }

    public ProcessMemory memory() throws IOException {
        if (memory == null) {
            memory = new ProcessMemory(process.pid, true);
        }
        return memory;
    }

    /** An injector into the given thread. */
    public RemoteSyscall remote(TracedThread t) {
        return t.remote(process.syscallInsn);
    }

    public RemoteSyscall leaderRemote() {
        return remote(process.leader());
    }

    /** The scratch page for injected calls' in/out arguments, mapped on first use. */
    public long scratch() throws CrakException {
        if (process.scratch == 0) {
            long addr = leaderRemote().check("mmap of a scratch page", Syscalls.MMAP, 0, SCRATCH_BYTES,
                    3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
            process.scratch = addr;
        }
        return process.scratch;
    }

    /**
     * Unmaps the scratch page now. A dumper that runs before the memory dumper must call it when
     * done: the memory dump must not see the page (the kernel may even have merged it into a
     * neighbouring mapping).
     */
    public void releaseScratch() throws CrakException {
        if (process.scratch != 0) {
            leaderRemote().check("munmap of the scratch page", Syscalls.MUNMAP, process.scratch, SCRATCH_BYTES);
            process.scratch = 0;
        }
    }

    /** Unmaps the scratch page: nothing injected is left behind. */
    @Override
    public void close() throws CrakException, IOException {
        releaseScratch();
        if (memory != null) {
            memory.close();
        }
    }
}
