package io.crak.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to restore.
 *
 * @param ownerUid when non-negative, the uid the tree must belong to: a restore never grants more
 *     than the job owner had, so images whose credentials differ are refused (-1: no check, root's
 *     own {@code crak restore})
 * @param cgroup a cgroup v2 directory the whole tree is restored into (the restorer process joins
 *     it before forking the tree, so no process of the job ever runs outside it)
 */
public record RestoreRequest(int ownerUid, Optional<Path> cgroup) {
    public RestoreRequest(int ownerUid) {
        this(ownerUid, Optional.empty());
    }

    public static RestoreRequest unchecked() {
        return new RestoreRequest(-1, Optional.empty());
    }

    public RestoreRequest inCgroup(Path dir) {
        return new RestoreRequest(ownerUid, Optional.of(dir));
    }
}
