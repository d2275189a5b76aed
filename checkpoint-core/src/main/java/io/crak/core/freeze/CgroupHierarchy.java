package io.crak.core.freeze;

import io.crak.core.CrakException;
import io.crak.core.proc.CgroupMembership;
import io.crak.core.proc.CgroupParser;
import io.crak.core.proc.MalformedProcFileException;
import io.crak.core.proc.MountInfo;
import io.crak.core.proc.MountInfoParser;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.ProcessGoneException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A mounted cgroup hierarchy that carries a freezer: the v2 unified hierarchy, or the v1 hierarchy
 * with the freezer controller. Found through /proc/self/mountinfo, never assumed at a fixed path.
 */
final class CgroupHierarchy {
    static final String V1_FREEZER = "freezer";

    private final MountInfo mount;
    private final boolean unified;

    private CgroupHierarchy(MountInfo mount, boolean unified) {
        this.mount = mount;
        this.unified = unified;
    }

    static Optional<CgroupHierarchy> find(ProcFiles proc, boolean unified) throws CrakException {
        int self = (int) ProcessHandle.current().pid();
        List<MountInfo> mounts;
        try {
            mounts = MountInfoParser.parse(proc.read(self, "mountinfo"));
        } catch (IOException | MalformedProcFileException e) {
            throw new CrakException("pid " + self + " mountinfo: " + e.getMessage(), e);
        }
        return mounts.stream()
                .filter(m -> unified
                        ? m.fsType().equals("cgroup2")
                        : m.fsType().equals("cgroup") && m.hasSuperOption(V1_FREEZER))
                .findFirst()
                .map(m -> new CgroupHierarchy(m, unified));
    }

    Path mountPoint() {
        return Path.of(mount.mountPoint());
    }

    boolean unified() {
        return unified;
    }

    CgroupDirectory root() {
        return new CgroupDirectory(mountPoint());
    }

    /**
     * The cgroup path of {@code pid} in this hierarchy ("/a/b"), or empty when the process has gone.
     */
    Optional<String> cgroupOf(ProcFiles proc, int pid) throws CrakException {
        List<CgroupMembership> memberships;
        try {
            memberships = CgroupParser.parse(proc.read(pid, "cgroup"));
        } catch (ProcessGoneException e) {
            return Optional.empty();
        } catch (IOException | MalformedProcFileException e) {
            throw new CrakException("pid " + pid + " cgroup: " + e.getMessage(), e);
        }
        Optional<String> path = unified
                ? CgroupParser.unifiedPath(memberships)
                : CgroupParser.v1Path(memberships, V1_FREEZER);
        if (path.isEmpty()) {
            throw new CrakException("pid " + pid + " /proc/" + pid + "/cgroup: no "
                    + (unified ? "cgroup v2 (0::)" : "freezer") + " line");
        }
        return path;
    }

    /** The directory of a cgroup path as /proc/PID/cgroup shows it. */
    CgroupDirectory directory(String cgroupPath) throws CrakException {
        String root = mount.root();
        String relative = cgroupPath;
        if (!root.equals("/")) {
            // the hierarchy is mounted from a sub-cgroup: paths must lie below it to be reachable
            if (!(cgroupPath.equals(root) || cgroupPath.startsWith(root + "/"))) {
                throw new CrakException("cgroup " + cgroupPath + " is outside the part mounted at "
                        + mount.mountPoint() + " (mount root " + root + ")");
            }
            relative = cgroupPath.substring(root.length());
        }
        Path dir = mountPoint();
        for (String part : relative.split("/")) {
            if (!part.isEmpty()) {
                dir = dir.resolve(part);
            }
        }
        return new CgroupDirectory(dir);
    }

    /** Longest common ancestor of cgroup paths ("/a/b", "/a/c" -> "/a"). */
    static String commonAncestor(List<String> paths) {
        String[] common = null;
        int length = 0;
        for (String p : paths) {
            String[] parts = p.equals("/") ? new String[0] : p.substring(1).split("/");
            if (common == null) {
                common = parts;
                length = parts.length;
                continue;
            }
            int i = 0;
            while (i < length && i < parts.length && common[i].equals(parts[i])) {
                i++;
            }
            length = i;
        }
        if (common == null || length == 0) {
            return "/";
        }
        return "/" + String.join("/", java.util.Arrays.copyOf(common, length));
    }
}
