package io.crak.core;

import io.crak.core.image.ImageSource;
import io.crak.core.image.Inventory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.restore.RestoreArea;
import java.util.HashMap;
import java.util.Map;

/** State shared by the restore of all processes of one tree. */
public final class RestoreSession {
    public final Inventory inventory;
    public final ImageSource source;
    public final RestoreArea area;
    /** Shared anonymous memory by dumped shmem inode: the process and range that created it. */
    public final Map<Long, long[]> sharedOwners = new HashMap<>();
    /** Nameless files (deleted while open, memfd) recreated from the image, held by crak. */
    public io.crak.core.unlinked.RestoredFiles unlinkedFiles = io.crak.core.unlinked.RestoredFiles.NONE;

    /** Run once every process has all its resources and descriptors, before any runs. */
    public final java.util.List<AfterRestore> afterAllRestored = new java.util.ArrayList<>();

    /** A step that needs the whole tree restored first (e.g. removing a SysV segment now attached). */
    public interface AfterRestore {
        void run() throws CrakException;
    }

    /** One injector per task, so signals held back during injection are remembered until release. */
    private final Map<Integer, RemoteSyscall> remotes = new HashMap<>();

    public RemoteSyscall remote(int tid) {
        return remotes.computeIfAbsent(tid, t -> new RemoteSyscall(t, area.syscallInsn()));
    }

    RestoreSession(Inventory inventory, ImageSource source, RestoreArea area) {
        this.inventory = inventory;
        this.source = source;
        this.area = area;
    }
}
