package io.crak.core.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class CgroupV2FreezerTest extends CgroupFreezerContractTest {
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

    @Override
    CgroupFreezer open() throws Exception {
        return CgroupV2Freezer.open(proc);
    }

    @Override
    FreezerKind kind() {
        return FreezerKind.CGROUP_V2;
    }

    @Override
    String cgroupOf(int pid) throws Exception {
        return v2Cgroup(pid);
    }

    /**
     * A process frozen by the v1 freezer never reaches the v2 freeze trap: the v2 freeze times out,
     * must name that process, and must leave nothing frozen, moved or created.
     */
    @Test
    void timeoutNamesTheBlockingPidAndUndoesEverything() throws Exception {
        FreezerProbe.Result v1 = new FreezerProbe(proc).probe(FreezerKind.CGROUP_V1);
        Assumptions.assumeTrue(v1.usable(), "the blocking process is frozen with the v1 freezer: " + v1.reason());
        try (TestTree tree = TestTree.start()) {
            int sleeper = scanner.children(tree.root()).get(0);
            Map<Integer, String> before = cgroups(scanner.scan(tree.root()).keySet());
            Path v2Root = CgroupHierarchy.find(proc, true).orElseThrow().mountPoint();
            try (CgroupV1Freezer blocker = CgroupV1Freezer.open(proc)) {
                blocker.freeze(sleeper, Duration.ofSeconds(5));
                try (CgroupFreezer freezer = open()) {
                    CrakException e = assertThrows(CrakException.class, () -> freezer.freeze(tree.root(), SHORT_TIMEOUT));
                    assertTrue(e.getMessage().startsWith("pid " + tree.root() + ": CGROUP_V2 freeze of cgroup "),
                            e.getMessage());
                    assertTrue(e.getMessage().contains("not complete after 500 ms"), e.getMessage());
                    assertTrue(e.getMessage().contains("pid " + sleeper + " tid " + sleeper + " (sleep) state D"),
                            e.getMessage());
                    assertTrue(freezer.frozenCgroup().isEmpty());
                }
                try (var leftovers = Files.list(v2Root)) {
                    assertEquals(0, leftovers.filter(p -> p.getFileName().toString()
                            .startsWith(CgroupFreezer.TEMP_PREFIX + tree.root() + "-")).count());
                }
                for (Map.Entry<Integer, String> e : before.entrySet()) {
                    assertEquals(e.getValue(), cgroups(Set.of(e.getKey())).getOrDefault(e.getKey(), e.getValue()),
                            "cgroup of pid " + e.getKey());
                }
            }
            // with the v1 blocker gone, the whole tree runs and freezes again
            int burner = tree.burner();
            long cpu = scanner.stat(burner).cpuTicks();
            long deadline = System.nanoTime() + RESUME_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && scanner.stat(burner).cpuTicks() <= cpu) {
                Thread.sleep(10);
            }
            assertTrue(scanner.stat(burner).cpuTicks() > cpu, "burner stuck after failed freeze");
            try (CgroupFreezer freezer = open()) {
                assertTrue(freezer.freeze(tree.root(), TIMEOUT).contains(sleeper));
            }
        }
    }

    /** A tree that already owns a cgroup is frozen there, and the cgroup's own state is restored. */
    @Test
    void freezesATreeAloneInItsCgroupInPlace() throws Exception {
        Path v2Root = CgroupHierarchy.find(proc, true).orElseThrow().mountPoint();
        try (TestTree tree = TestTree.start()) {
            CgroupDirectory own = new CgroupDirectory(v2Root.resolve("crak-test-own-" + tree.root()));
            own.create();
            try {
                moveWholeTree(tree.root(), own);
                try (CgroupFreezer freezer = open()) {
                    Set<Integer> frozen = freezer.freeze(tree.root(), TIMEOUT);
                    assertEquals(own.path(), freezer.frozenCgroup().orElseThrow());
                    assertTrue(frozen.size() >= 1 + TestTree.CHILDREN);
                    assertEquals("1", own.read(CgroupV2Freezer.FREEZE).strip());
                }
                assertEquals("0", own.read(CgroupV2Freezer.FREEZE).strip());
                assertTrue(Files.isDirectory(own.path()), "a cgroup the freezer did not create was removed");
                assertEquals("/" + own.path().getFileName(), cgroupOf(tree.root()));
            } finally {
                tree.close();
                removeWhenEmpty(own);
            }
        }
    }

    /** Moves the tree, re-scanning until forks made during the moves are inside too. */
    private void moveWholeTree(int root, CgroupDirectory target) throws Exception {
        for (int round = 0; round < 50; round++) {
            boolean moved = false;
            for (int pid : scanner.scan(root).keySet()) {
                ProcessTreeScannerTest.assertNotSelf(pid);
                String now = cgroups(Set.of(pid)).get(pid);
                if (now != null && !now.equals("/" + target.path().getFileName())) {
                    moved |= target.move(pid);
                }
            }
            if (!moved) {
                return;
            }
        }
        throw new IllegalStateException("tree of pid " + root + " kept escaping " + target);
    }

    private static void removeWhenEmpty(CgroupDirectory dir) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                dir.remove();
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(10);
            }
        }
        assertFalse(Files.exists(dir.path()), "could not remove " + dir);
    }
}
