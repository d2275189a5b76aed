package io.crak.core.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.proc.ProcFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreezerProbeTest {
    @Test
    @Tag("integration")
    void probesBothBackendsAndLeavesNoProbeCgroup() throws Exception {
        List<FreezerProbe.Result> results = new FreezerProbe().probe();
        assertEquals(List.of(FreezerKind.CGROUP_V2, FreezerKind.CGROUP_V1),
                results.stream().map(FreezerProbe.Result::kind).toList());
        for (FreezerProbe.Result r : results) {
            assertFalse(r.reason().isBlank());
            assertFalse(r.reason().contains("\n"));
            CgroupHierarchy.find(new ProcFiles(), r.kind() == FreezerKind.CGROUP_V2).ifPresent(h ->
                    assertFalse(Files.exists(h.mountPoint().resolve(FreezerProbe.PROBE_PREFIX + ProcessHandle.current().pid()))));
        }
        // the v2 verdict must agree with the hierarchy's presence (every CI host has cgroup2)
        boolean v2Mounted = CgroupHierarchy.find(new ProcFiles(), true).isPresent();
        assertEquals(v2Mounted, results.get(0).usable(), results.get(0).reason());
    }

    @Test
    void reportsAMissingHierarchyInOneLine(@TempDir Path fakeProc) throws Exception {
        Path self = fakeProc.resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(self);
        Files.writeString(self.resolve("mountinfo"), "22 27 0:21 / /proc rw,relatime - proc proc rw\n");
        FreezerProbe.Result r = new FreezerProbe(new ProcFiles(fakeProc)).probe(FreezerKind.CGROUP_V1);
        assertFalse(r.usable());
        assertEquals("no cgroup v1 hierarchy with the freezer controller mounted (/proc/self/mountinfo)", r.reason());
        assertThrows(IllegalArgumentException.class, () -> new FreezerProbe().probe(FreezerKind.PTRACE));
    }

    @Test
    void commonAncestorOfCgroupPaths() {
        assertEquals("/", CgroupHierarchy.commonAncestor(List.of("/", "/a")));
        assertEquals("/a", CgroupHierarchy.commonAncestor(List.of("/a/b", "/a/c/d")));
        assertEquals("/a/b", CgroupHierarchy.commonAncestor(List.of("/a/b")));
        assertEquals("/", CgroupHierarchy.commonAncestor(List.of("/ab", "/a")));
    }

    @Test
    void v2EventsAndV1Verdicts() {
        assertTrue(CgroupV2Freezer.eventsSayFrozen("populated 1\nfrozen 1\n"));
        assertFalse(CgroupV2Freezer.eventsSayFrozen("populated 1\nfrozen 0\n"));
        assertTrue(ErrnoNames.describe(new java.io.IOException("/x/cgroup.procs: No such process"))
                .equals("ESRCH (No such process)"));
    }
}
