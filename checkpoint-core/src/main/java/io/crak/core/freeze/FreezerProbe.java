package io.crak.core.freeze;

import io.crak.core.CrakException;
import io.crak.core.proc.ProcFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * Tells which cgroup freezer backends work on this host, for {@code crak check} and backend
 * selection. A backend counts as usable only after a real trial: its hierarchy is mounted, a
 * probe cgroup can be created in it and carries the freeze file; the probe cgroup is removed.
 */
public final class FreezerProbe {
    static final String PROBE_PREFIX = "crak-probe-";

    /** One backend's verdict; {@code reason} is a one-line explanation either way. */
    public record Result(FreezerKind kind, boolean usable, String reason) {}

    private final ProcFiles proc;

    public FreezerProbe() {
        this(new ProcFiles());
    }

    public FreezerProbe(ProcFiles proc) {
        this.proc = proc;
    }

    /** Results for CGROUP_V2 then CGROUP_V1. */
    public List<Result> probe() {
        return List.of(probe(FreezerKind.CGROUP_V2), probe(FreezerKind.CGROUP_V1));
    }

    public Result probe(FreezerKind kind) {
        boolean unified = switch (kind) {
            case CGROUP_V2 -> true;
            case CGROUP_V1 -> false;
            default -> throw new IllegalArgumentException(kind + " is not a cgroup freezer");
        };
        String freezeFile = unified ? CgroupV2Freezer.FREEZE : CgroupV1Freezer.STATE;
        Optional<CgroupHierarchy> found;
        try {
            found = CgroupHierarchy.find(proc, unified);
        } catch (CrakException e) {
            return new Result(kind, false, e.getMessage());
        }
        if (found.isEmpty()) {
            return new Result(kind, false, unified
                    ? "no cgroup2 filesystem mounted (/proc/self/mountinfo)"
                    : "no cgroup v1 hierarchy with the freezer controller mounted (/proc/self/mountinfo)");
        }
        CgroupDirectory probe = new CgroupDirectory(found.get().mountPoint()
                .resolve(PROBE_PREFIX + ProcessHandle.current().pid()));
        try {
            probe.create();
        } catch (CrakException e) {
            return new Result(kind, false, e.getMessage());
        }
        try {
            if (!Files.exists(probe.path().resolve(freezeFile))) {
                return new Result(kind, false, "cgroup " + probe + " has no " + freezeFile
                        + (unified ? " (kernel older than 5.2)" : ""));
            }
            return new Result(kind, true, (unified ? "cgroup v2" : "cgroup v1 freezer") + " at "
                    + found.get().mountPoint() + ", " + freezeFile + " present and writable");
        } finally {
            try {
                probe.remove();
            } catch (IOException e) {
                // an empty cgroup we just created; report rather than hide a leak
                System.getLogger(FreezerProbe.class.getName()).log(System.Logger.Level.WARNING,
                        "cgroup " + probe + ": rmdir failed: " + ErrnoNames.describe(e));
            }
        }
    }
}
