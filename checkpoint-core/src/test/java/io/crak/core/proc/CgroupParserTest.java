package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupParserTest {
    private static final String HYBRID = "9:name=systemd:/\n8:pids:/\n6:freezer:/job 1\n"
            + "4:memory:/process_api/df0f\n1:cpu,cpuacct:/\n0::/crak:odd\n";

    @Test
    void parsesHybridHierarchies() {
        List<CgroupMembership> m = CgroupParser.parse(HYBRID);
        assertEquals(6, m.size());
        assertEquals(List.of("cpu", "cpuacct"), m.get(4).controllers());
        assertEquals("/crak:odd", CgroupParser.unifiedPath(m).orElseThrow());
        assertEquals("/job 1", CgroupParser.v1Path(m, "freezer").orElseThrow());
        assertTrue(CgroupParser.v1Path(m, "blkio").isEmpty());
        assertTrue(m.get(5).isUnified());
    }

    @Test
    void parsesTheLiveFileOfThisJvm() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        assertTrue(CgroupParser.unifiedPath(CgroupParser.parse(new ProcFiles().read(self, "cgroup"))).isPresent());
        assertThrows(MalformedProcFileException.class, () -> CgroupParser.parse("garbage\n"));
    }
}
