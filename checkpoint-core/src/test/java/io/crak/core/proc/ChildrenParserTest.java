package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildrenParserTest {
    @Test
    void parsesAShellWithTwoChildren() {
        List<Integer> pids = ChildrenParser.parse(ProcFixtures.text("shell/children"));
        assertEquals(2, pids.size());
        int shell = StatParser.parse(ProcFixtures.text("shell/stat")).pid();
        assertTrue(pids.stream().allMatch(p -> p > 0 && p != shell));
        assertNotEquals(pids.get(0), pids.get(1));
    }

    @Test
    void emptyMeansNoChildren() {
        assertEquals(List.of(), ChildrenParser.parse(""));
        assertEquals(List.of(7), ChildrenParser.parse("7 "));
        assertThrows(MalformedProcFileException.class, () -> ChildrenParser.parse("7 x"));
    }
}
