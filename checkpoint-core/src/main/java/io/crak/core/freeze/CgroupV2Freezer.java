package io.crak.core.freeze;

import io.crak.core.CrakException;
import io.crak.core.proc.ProcFiles;

/**
 * The cgroup v2 freezer: {@code cgroup.freeze} requests it, {@code cgroup.events} reports
 * {@code frozen 1} once every process of the cgroup (and below) sits in the kernel's freeze trap.
 * Frozen tasks stay killable and ptrace-able, which the engine relies on.
 */
public final class CgroupV2Freezer extends CgroupFreezer {
    static final String FREEZE = "cgroup.freeze";
    static final String EVENTS = "cgroup.events";

    private CgroupV2Freezer(ProcFiles proc, CgroupHierarchy hierarchy) {
        super(proc, hierarchy);
    }

    /** A freezer on the host's unified hierarchy, found through /proc/self/mountinfo. */
    public static CgroupV2Freezer open() throws CrakException {
        return open(new ProcFiles());
    }

    public static CgroupV2Freezer open(ProcFiles proc) throws CrakException {
        CgroupHierarchy hierarchy = CgroupHierarchy.find(proc, true)
                .orElseThrow(() -> new CrakException("cgroup v2: no cgroup2 filesystem in /proc/self/mountinfo"));
        return new CgroupV2Freezer(proc, hierarchy);
    }

    @Override
    public FreezerKind kind() {
        return FreezerKind.CGROUP_V2;
    }

    @Override
    void requestFreeze(CgroupDirectory dir) throws CrakException {
        dir.write(FREEZE, "1\n");
    }

    @Override
    void requestThaw(CgroupDirectory dir) throws CrakException {
        dir.write(FREEZE, "0\n");
    }

    @Override
    String[] thawWrite(CgroupDirectory dir) {
        return new String[] {dir.path().resolve(FREEZE).toString(), "0"};
    }

    @Override
    boolean isFrozen(CgroupDirectory dir) throws CrakException {
        return eventsSayFrozen(dir.read(EVENTS));
    }

    @Override
    String freezeState(CgroupDirectory dir) throws CrakException {
        return dir.read(FREEZE).strip();
    }

    @Override
    void restoreFreezeState(CgroupDirectory dir, String state) throws CrakException {
        dir.write(FREEZE, state + "\n");
    }

    /** A v2-frozen task sleeps interruptibly in the signal-delivery freeze trap (often inlined into get_signal). */
    @Override
    boolean looksFrozen(char state, String wchan) {
        return state == 'S' && (wchan.equals("do_freezer_trap") || wchan.equals("get_signal"));
    }

    /** cgroup.events holds "populated N" and "frozen N" lines. */
    static boolean eventsSayFrozen(String events) {
        for (String line : events.split("\n")) {
            if (line.strip().equals("frozen 1")) {
                return true;
            }
        }
        return false;
    }
}
