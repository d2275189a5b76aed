package io.crak.core.freeze;

import org.junit.jupiter.api.Tag;

@Tag("integration")
class CgroupV1FreezerTest extends CgroupFreezerContractTest {
    @Override
    CgroupFreezer open() throws Exception {
        return CgroupV1Freezer.open(proc);
    }

    @Override
    FreezerKind kind() {
        return FreezerKind.CGROUP_V1;
    }

    @Override
    String cgroupOf(int pid) throws Exception {
        return v1FreezerCgroup(pid);
    }
}
