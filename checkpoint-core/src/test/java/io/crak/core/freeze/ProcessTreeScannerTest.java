package io.crak.core.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import io.crak.core.proc.ProcStat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class ProcessTreeScannerTest {
    private final ProcessTreeScanner scanner = new ProcessTreeScanner();

    static void assertNotSelf(int pid) {
        assertNotEquals(ProcessHandle.current().pid(), pid, "test tree contains the test JVM");
    }

    @Test
    void findsRootChildrenAndGrandchildrenOfARunningTree() throws Exception {
        try (TestTree tree = TestTree.start()) {
            Map<Integer, ProcStat> scanned = scanner.scan(tree.root());
            List<Integer> pids = List.copyOf(scanned.keySet());
            assertEquals(tree.root(), pids.get(0));
            assertTrue(scanned.size() >= 1 + TestTree.CHILDREN, "scanned " + pids);
            for (int pid : pids.subList(1, pids.size())) {
                assertNotSelf(pid);
                assertTrue(scanned.containsKey(scanned.get(pid).ppid()), "parent of " + pid + " is in the tree");
            }
            // the sleeper has no children; the forker keeps creating them, some of which show up
            assertEquals("sleep", scanned.get(scanner.children(tree.root()).get(0)).comm());
            assertEquals(List.of(tree.root()), scanner.threads(tree.root()));
        }
    }

    @Test
    void listsEveryThreadOfThisJvm() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        List<Integer> tids = scanner.threads(self);
        assertTrue(tids.size() > 1 && tids.get(0) == self, "threads " + tids);
    }

    @Test
    void aMissingRootIsAnErrorButAMissingChildIsNot() throws Exception {
        Process p = new ProcessBuilder("true").start();
        int pid = (int) p.pid();
        p.waitFor();
        CrakException e = assertThrows(CrakException.class, () -> scanner.scan(pid));
        assertEquals("pid " + pid + ": no such process (/proc/" + pid + " is absent)", e.getMessage());
        assertEquals(List.of(), scanner.children(pid));
        assertEquals(List.of(), scanner.threads(pid));
    }
}
