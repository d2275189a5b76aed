package io.crak.core.proc;

import java.util.List;

/**
 * One line of /proc/PID/cgroup.
 *
 * @param hierarchyId 0 for the cgroup v2 unified hierarchy, the v1 hierarchy id otherwise
 * @param controllers v1 controllers bound to the hierarchy (e.g. [freezer], [name=systemd]); empty for v2
 * @param path the cgroup, relative to the reader's cgroup namespace root, starting with '/'
 */
public record CgroupMembership(int hierarchyId, List<String> controllers, String path) {
    public CgroupMembership {
        controllers = List.copyOf(controllers);
    }

    public boolean isUnified() {
        return hierarchyId == 0 && controllers.isEmpty();
    }
}
