package io.crak.core.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.proc.CgroupParser;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.ProcStat;
import io.crak.core.proc.ProcessGoneException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What every cgroup freezer must do to a real, busy, forking process tree. */
@Tag("integration")
abstract class CgroupFreezerContractTest {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for a busy loop to gain many 10 ms clock ticks. */
    static final long OBSERVE_MILLIS = 200;
    /** How long a thawed tree may take to be scheduled again on a busy host. */
    static final Duration RESUME_TIMEOUT = Duration.ofSeconds(5);

    final ProcFiles proc = new ProcFiles();
    final ProcessTreeScanner scanner = new ProcessTreeScanner(proc);

    abstract CgroupFreezer open() throws Exception;

    abstract FreezerKind kind();

    /** A host without this backend (e.g. no v1 freezer mounted) skips its tests, saying why. */
    @BeforeEach
    void requireBackend() {
        FreezerProbe.Result r = new FreezerProbe(proc).probe(kind());
        Assumptions.assumeTrue(r.usable(), r.reason());
    }

    /** The process's cgroup path in the backend's hierarchy. */
    abstract String cgroupOf(int pid) throws Exception;

    @Test
    void freezesEveryProcessAndForkThenThawsAndRestoresCgroups() throws Exception {
        try (TestTree tree = TestTree.start()) {
            Map<Integer, String> before = cgroups(scanner.scan(tree.root()).keySet());
            int burner = tree.burner();
            Path temp;
            try (CgroupFreezer freezer = open()) {
                Set<Integer> frozen = freezer.freeze(tree.root(), TIMEOUT);
                temp = freezer.frozenCgroup().orElseThrow();
                assertTrue(temp.getFileName().toString().startsWith(CgroupFreezer.TEMP_PREFIX + tree.root() + "-"));
                assertTrue(frozen.contains(tree.root()) && frozen.contains(burner));
                assertTrue(frozen.size() >= 1 + TestTree.CHILDREN, "frozen " + frozen);

                Map<Integer, Long> cpu = cpuTicks(frozen);
                Thread.sleep(OBSERVE_MILLIS);
                assertEquals(cpu, cpuTicks(frozen), "CPU time advanced while frozen");
                assertEquals(frozen, scanner.scan(tree.root()).keySet(), "tree changed while frozen");

                freezer.thaw();
                // on a loaded 2-core CI host a thawed process may wait for a CPU: poll, bounded
                long deadline = System.nanoTime() + RESUME_TIMEOUT.toNanos();
                while (System.nanoTime() < deadline && (scanner.stat(burner).cpuTicks() <= cpu.get(burner)
                        || frozen.equals(scanner.scan(tree.root()).keySet()))) {
                    Thread.sleep(10);
                }
                assertTrue(scanner.stat(burner).cpuTicks() > cpu.get(burner), "burner did not run after thaw");
                assertNotEquals(frozen, scanner.scan(tree.root()).keySet(), "forker did not fork after thaw");
            }
            assertFalse(Files.exists(temp), "temporary cgroup " + temp + " left behind");
            for (Map.Entry<Integer, String> e : before.entrySet()) {
                assertEquals(e.getValue(), cgroups(Set.of(e.getKey())).getOrDefault(e.getKey(), e.getValue()),
                        "cgroup of pid " + e.getKey());
            }
        }
    }

    /** Cgroups of the pids still alive (the forker's short-lived children come and go). */
    Map<Integer, String> cgroups(Set<Integer> pids) throws Exception {
        Map<Integer, String> out = new HashMap<>();
        for (int pid : pids) {
            try {
                out.put(pid, cgroupOf(pid));
            } catch (ProcessGoneException e) {
                // exited since the scan
            }
        }
        return out;
    }

    Map<Integer, Long> cpuTicks(Set<Integer> pids) throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        for (int pid : pids) {
            ProcStat stat = scanner.stat(pid);
            out.put(pid, stat == null ? -1 : stat.cpuTicks());
        }
        return out;
    }

    String v2Cgroup(int pid) throws Exception {
        return CgroupParser.unifiedPath(CgroupParser.parse(proc.read(pid, "cgroup"))).orElseThrow();
    }

    String v1FreezerCgroup(int pid) throws Exception {
        return CgroupParser.v1Path(CgroupParser.parse(proc.read(pid, "cgroup")), "freezer").orElseThrow();
    }
}
