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
    /** Image pids to host pids, filled as the tree is created. */
    public final io.crak.core.PidMap pids;
    /** The descriptor number at which every restored process holds a pidfd of crak until the end. */
    public int crakPidfd = -1;
    /** The descriptor number at which every restored process holds crak's /proc (O_PATH) until the end. */
    public int crakProcFd = -1;

    /** Whether fd is one of the restorer's own descriptors every restored process holds until the end. */
    public boolean isRestorerFd(int fd) {
        return fd == crakPidfd || fd == crakProcFd;
    }
    /** The tree's own network namespace, made by the restore; null when the tree shares crak's. */
    public io.crak.core.netns.NetNamespace netNamespace;

    /**
     * A socket of crak's (close-on-exec) in the tree's network namespace, for crak to build and
     * hand over to a restored process: sockets belong to the namespace they were made in.
     */
    public int socket(int domain, int type) throws CrakException {
        if (netNamespace != null) {
            return netNamespace.socket(domain, type);
        }
        try {
            return io.crak.core.jna.InetSocketCalls.socket(domain, type);
        } catch (io.crak.core.jna.NativeException e) {
            throw new CrakException(e.getMessage(), e);
        }
    }

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

    /** The injector for a task by its image tid. */
    public RemoteSyscall remote(int tid) {
        return remotes.computeIfAbsent(tid, t -> new RemoteSyscall(pids.host(t), area.syscallInsn()));
    }

    /** The host pid of a task by its image pid. */
    public int hostPid(int imagePid) {
        return pids.host(imagePid);
    }

    RestoreSession(Inventory inventory, ImageSource source, RestoreArea area) {
        this.inventory = inventory;
        this.source = source;
        this.area = area;
        this.pids = inventory.pidNamespace() ? PidMap.namespaced() : PidMap.identity();
    }
}
