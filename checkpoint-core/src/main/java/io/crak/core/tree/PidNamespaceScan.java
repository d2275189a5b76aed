package io.crak.core.tree;

import io.crak.core.CrakException;
import io.crak.core.PidMap;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.ProcStatus;
import io.crak.core.proc.StatusParser;
import io.crak.core.ptrace.SeizedProcess;
import io.crak.core.ptrace.SeizedTree;
import io.crak.core.proc.MountInfo;
import io.crak.core.proc.MountInfoParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells how a seized tree sits in pid namespaces. Two shapes can be restored: every task in crak's
 * own namespace (host pids go into the images), or the root being pid 1 of a namespace that holds
 * the whole tree (namespace pids go into the images, and a restore makes a fresh namespace). A
 * process of a namespace that is not its init, or a namespace nested below the root's, is refused:
 * the restore could not give such a tree its pids back.
 */
public final class PidNamespaceScan {
    private PidNamespaceScan() {
    }

    /**
     * The mount points the job's mount namespace has and crak's has not, apart from its own /proc
     * (and anything below): what a restore, which copies the host's mounts and mounts a new /proc,
     * would silently lose. Both texts are mountinfo (proc(5)); a mount counts as the same when its
     * mount point, type, source and root are.
     */
    public static List<String> mountsOfItsOwn(String jobMountinfo, String hostMountinfo) {
        Map<String, Integer> host = new HashMap<>();
        for (MountInfo m : MountInfoParser.parse(hostMountinfo)) {
            host.merge(key(m), 1, Integer::sum);
        }
        List<String> own = new ArrayList<>();
        for (MountInfo m : MountInfoParser.parse(jobMountinfo)) {
            if (m.mountPoint().equals("/proc") || m.mountPoint().startsWith("/proc/")) {
                continue;
            }
            if (host.merge(key(m), -1, Integer::sum) < 0) {
                own.add(m.mountPoint() + " (" + m.fsType() + ")");
            }
        }
        return own;
    }

    private static String key(MountInfo m) {
        return m.mountPoint() + "\0" + m.fsType() + "\0" + m.source() + "\0" + m.root();
    }

    public static PidMap scan(SeizedTree tree, ProcFiles proc) throws CrakException, IOException {
        SeizedProcess root = tree.processes.values().iterator().next();
        ProcStatus rs = StatusParser.parse(proc.read(root.pid, "status"));
        int depth = rs.pidNamespaceDepth();
        if (depth > 1) {
            throw new CrakException("pid " + root.pid + ": lives " + depth
                    + " pid namespaces below crak's; only a namespace directly below can be dumped");
        }
        if (depth == 1 && rs.innermostPid() != 1) {
            throw new CrakException("pid " + root.pid + ": is pid " + rs.innermostPid()
                    + " in a pid namespace of its own; dump that pid namespace's init (its pid 1) to take the whole"
                    + " namespace");
        }
        if (depth == 1) {
            List<String> own = mountsOfItsOwn(proc.read(root.pid, "mountinfo"), proc.read((int) ProcessHandle.current().pid(), "mountinfo"));
            if (!own.isEmpty()) {
                throw new CrakException("pid " + root.pid + ": its mount namespace has mounts of its own (" + String.join(", ", own)
                        + "); a restore would not bring them back (only the namespace's /proc), so it is not dumped");
            }
        }
        PidMap map = depth == 0 ? PidMap.identity() : PidMap.namespaced();
        for (SeizedProcess p : tree.processes.values()) {
            ProcStatus s = p == root ? rs : StatusParser.parse(proc.read(p.pid, "status"));
            if (s.pidNamespaceDepth() != depth) {
                throw new CrakException("pid " + p.pid + " (child of " + p.ppid + "): is in a pid namespace of its own"
                        + " below the dumped root's; nested pid namespaces are not supported");
            }
            map.put(s.innermostPid(), p.pid);
            for (int tid : p.threads.keySet()) {
                if (tid != p.pid) {
                    map.put(StatusParser.parse(proc.readTask(p.pid, tid, "status")).innermostPid(), tid);
                }
            }
        }
        return map;
    }
}
