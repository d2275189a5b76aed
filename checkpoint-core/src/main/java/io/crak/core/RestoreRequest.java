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
 * @param initExecutable the one executable the tree's root may run with other credentials than the
 *     owner's: crak's own job init, which runs as root and drops to the owner for the job itself
 */
public record RestoreRequest(int ownerUid, Optional<Path> cgroup, Optional<Path> initExecutable) {
    public RestoreRequest {
        java.util.Objects.requireNonNull(cgroup, "cgroup");
        java.util.Objects.requireNonNull(initExecutable, "initExecutable");
        if (ownerUid < -1) {
            throw new IllegalArgumentException("owner uid " + ownerUid + " is not a uid (or -1 for no check)");
        }
    }

    public static RestoreRequest unchecked() {
        return new RestoreRequest(-1, Optional.empty(), Optional.empty());
    }

    /** A job of ownerUid whose root is crak's init at initExecutable (that root may run as root). */
    public static RestoreRequest forJob(int ownerUid, Path initExecutable) {
        return new RestoreRequest(ownerUid, Optional.empty(), Optional.of(initExecutable));
    }

    public RestoreRequest inCgroup(Path dir) {
        return new RestoreRequest(ownerUid, Optional.of(dir), initExecutable);
    }
}
