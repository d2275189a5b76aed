package io.crak.core.image;

import io.crak.core.creds.CredsImage;
import io.crak.core.files.FdImage;
import io.crak.core.memory.MemoryImage;
import io.crak.core.signal.SignalImage;
import io.crak.core.task.TaskImage;
import io.crak.core.thread.ThreadImage;
import io.crak.core.tree.TreeImage;
import java.util.ArrayList;
import java.util.List;

/** Everything captured of one process: one image record per resource kind. */
public final class ProcessImage {
    public int pid;
    public TreeImage tree;
    public List<ThreadImage> threads = new ArrayList<>();
    public MemoryImage memory;
    public List<FdImage> fds = new ArrayList<>();
    public SignalImage signals;
    public TaskImage task;
    public CredsImage creds;
    /** The job's SysV IPC objects, held by the root's image only (null elsewhere or when none). */
    public io.crak.core.sysvipc.SysvIpcImage sysvIpc;

    public ProcessImage() {
    }

    public ProcessImage(int pid) {
        this.pid = pid;
    }
}
