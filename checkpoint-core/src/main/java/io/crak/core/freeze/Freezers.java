package io.crak.core.freeze;

import io.crak.core.CrakException;
import java.util.Optional;

/** Picks the freezer: the one asked for, or the best one present in {@link FreezerKind} order. */
public final class Freezers {
    private Freezers() {
    }

    public static Freezer open(Optional<FreezerKind> wanted) throws CrakException {
        if (wanted.isPresent()) {
            return create(wanted.get());
        }
        if (KmodFreezer.present()) {
            return new KmodFreezer();
        }
        FreezerProbe probe = new FreezerProbe();
        for (FreezerKind k : new FreezerKind[] {FreezerKind.CGROUP_V2, FreezerKind.CGROUP_V1}) {
            if (probe.probe(k).usable()) {
                return create(k);
            }
        }
        return new PtraceFreezer();
    }

    private static Freezer create(FreezerKind kind) throws CrakException {
        switch (kind) {
            case KMOD:
                if (!KmodFreezer.present()) {
                    throw new CrakException("freezer kmod: " + KmodFreezer.DEVICE + " is not present (module not loaded)");
                }
                return new KmodFreezer();
            case CGROUP_V2:
                return CgroupV2Freezer.open();
            case CGROUP_V1:
                return CgroupV1Freezer.open();
            default:
                return new PtraceFreezer();
        }
    }
}
