package io.crak.core.ptrace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A process of the tree as the seize found it: its threads (leader first) or, if a zombie, none. */
public final class SeizedProcess {
    public final int pid;
    public final int ppid;
    public final boolean zombie;
    public final Map<Integer, TracedThread> threads = new LinkedHashMap<>();
    /** Address of a {@code syscall} instruction in the process (in its vdso), for injection. */
    public long syscallInsn;
    /** A scratch page the engine mapped for injected calls' arguments, or 0. */
    public long scratch;

    public SeizedProcess(int pid, int ppid, boolean zombie) {
        this.pid = pid;
        this.ppid = ppid;
        this.zombie = zombie;
    }

    public TracedThread leader() {
        TracedThread t = threads.get(pid);
        return t != null ? t : threads.values().iterator().next();
    }

    public List<TracedThread> threadList() {
        return new ArrayList<>(threads.values());
    }
}
