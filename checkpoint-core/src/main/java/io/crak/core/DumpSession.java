package io.crak.core;

import io.crak.core.files.OpenFileKey;
import io.crak.core.memory.SharedRegion;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** State shared by the dumps of all processes of one tree. */
public final class DumpSession {
    /** Shared anonymous memory by shmem inode: dumped once, by the first process that maps it. */
    public final Map<Long, SharedRegion> sharedRegions = new LinkedHashMap<>();
    /** Every descriptor dumped so far, to find those sharing one open file description. */
    public final List<OpenFileKey> openFiles = new ArrayList<>();
    /** Pids of every process of the tree, to tell whether the peer of a connection is in the job. */
    public final java.util.Set<Integer> treePids = new java.util.LinkedHashSet<>();
    /** Host pids to image pids: the identity unless the tree is a pid namespace of its own. */
    public PidMap pids = PidMap.identity();
    /** The tree's own network namespace (where its sockets are listed), or null when it shares crak's. */
    public io.crak.core.netns.NetNamespace netNamespace;
    /** Its image: whether its loopback was up; null when the tree shares crak's namespace. */
    public io.crak.core.image.Inventory.NetNamespaceImage netNamespaceImage;
    /** Whether TCP connections to peers outside the job are dropped instead of refusing the dump. */
    public boolean dropExternalTcp;
    /** Run just before the tree is let go (killed or not), e.g. to take sockets out of TCP repair mode. */
    public final List<ReleaseAction> beforeRelease = new ArrayList<>();

    /** Something a dumper left in place while the tree was stopped and must undo or finish. */
    public interface ReleaseAction {
        /** Must not throw: the tree is released whatever happens. */
        void run(boolean treeKilled);
    }

    /** Runs and forgets every release action. */
    public void runBeforeRelease(boolean treeKilled) {
        for (ReleaseAction a : beforeRelease) {
            a.run(treeKilled);
        }
        beforeRelease.clear();
    }
}
