package io.crak.core;

import io.crak.core.creds.CredsDumper;
import io.crak.core.creds.CredsRestorer;
import io.crak.core.files.FilesDumper;
import io.crak.core.files.FilesRestorer;
import io.crak.core.memory.MemoryDumper;
import io.crak.core.memory.MemoryRestorer;
import io.crak.core.signal.SignalDumper;
import io.crak.core.signal.SignalRestorer;
import io.crak.core.task.TaskDumper;
import io.crak.core.task.TaskRestorer;
import io.crak.core.thread.ThreadDumper;
import io.crak.core.thread.ThreadRestorer;
import java.util.List;

/**
 * The resource kinds of a process, in the one order in which they are dumped and restored.
 *
 * <p>Why this order, on restore (the tree — processes and threads with their ids — exists
 * already, created by {@link io.crak.core.tree.TreeRestorer}):
 * <ol>
 * <li>SysV IPC objects, before all: they are recreated once (with the root) with their ids, so
 *     that the memory of every process can attach its /SYSV segments;
 * <li>memory next: it replaces the restorer's whole address space, and everything after it
 *     refers to addresses of the image (handlers, tid address, rseq, robust lists);
 * <li>files next: shared descriptions are fetched from processes restored earlier;
 * <li>task attributes (cwd, umask, personality, limits) before signals;
 * <li>signals: dispositions, itimers and process-wide pending signals, with masks already
 *     irrelevant because the threads still sit in ptrace stops;
 * <li>threads: per-thread kernel state and FPU registers; thread-directed pending signals;
 * <li>credentials last, because every step before needs the restorer's privileges.
 * </ol>
 * General registers are set by the engine when it lets the tree go. Dumping follows the same
 * order, which has no constraint of its own beyond the tree coming first.
 */
public final class Resources {
    public static final List<Resource> ORDER = List.of(
            new Resource("sysvipc", new io.crak.core.sysvipc.SysvIpcDumper(), new io.crak.core.sysvipc.SysvIpcRestorer()),
            new Resource("memory", new MemoryDumper(), new MemoryRestorer()),
            new Resource("files", new FilesDumper(), new FilesRestorer()),
            new Resource("task", new TaskDumper(), new TaskRestorer()),
            new Resource("signals", new SignalDumper(), new SignalRestorer()),
            new Resource("threads", new ThreadDumper(), new ThreadRestorer()),
            new Resource("creds", new CredsDumper(), new CredsRestorer()));

    private Resources() {
    }
}
