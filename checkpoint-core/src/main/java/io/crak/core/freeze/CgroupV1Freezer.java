package io.crak.core.freeze;

import io.crak.core.CrakException;
import io.crak.core.proc.ProcFiles;

/**
 * The cgroup v1 freezer controller: writing FROZEN to {@code freezer.state} starts freezing, and
 * reading it returns FREEZING until every task of the cgroup (and below) is frozen, then FROZEN.
 */
public final class CgroupV1Freezer extends CgroupFreezer {
    static final String STATE = "freezer.state";
    static final String SELF_FREEZING = "freezer.self_freezing";
    static final String FROZEN = "FROZEN";
    static final String THAWED = "THAWED";

    private CgroupV1Freezer(ProcFiles proc, CgroupHierarchy hierarchy) {
        super(proc, hierarchy);
    }

    /** A freezer on the host's v1 freezer hierarchy, found through /proc/self/mountinfo. */
    public static CgroupV1Freezer open() throws CrakException {
        return open(new ProcFiles());
    }

    public static CgroupV1Freezer open(ProcFiles proc) throws CrakException {
        CgroupHierarchy hierarchy = CgroupHierarchy.find(proc, false)
                .orElseThrow(() -> new CrakException(
                        "cgroup v1: no cgroup filesystem with the freezer controller in /proc/self/mountinfo"));
        return new CgroupV1Freezer(proc, hierarchy);
    }

    @Override
    public FreezerKind kind() {
        return FreezerKind.CGROUP_V1;
    }

    @Override
    void requestFreeze(CgroupDirectory dir) throws CrakException {
        dir.write(STATE, FROZEN + "\n");
    }

    @Override
    void requestThaw(CgroupDirectory dir) throws CrakException {
        dir.write(STATE, THAWED + "\n");
    }

    @Override
    String[] thawWrite(CgroupDirectory dir) {
        return new String[] {dir.path().resolve(STATE).toString(), THAWED};
    }

    @Override
    boolean isFrozen(CgroupDirectory dir) throws CrakException {
        return dir.read(STATE).strip().equals(FROZEN);
    }

    /**
     * A v1-frozen task is in the refrigerator or, frozen in place in a freezable sleep, reported
     * as state D (TASK_FROZEN).
     */
    @Override
    boolean looksFrozen(char state, String wchan) {
        return wchan.contains("refrigerator") || state == 'D';
    }

    /** Whether this cgroup itself was asked to freeze (not merely a frozen ancestor): "1" or "0". */
    @Override
    String freezeState(CgroupDirectory dir) throws CrakException {
        return dir.read(SELF_FREEZING).strip();
    }

    @Override
    void restoreFreezeState(CgroupDirectory dir, String selfFreezing) throws CrakException {
        dir.write(STATE, (selfFreezing.equals("1") ? FROZEN : THAWED) + "\n");
    }
}
