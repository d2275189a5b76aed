package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** /proc/PID/net/dev of this host's namespace and of a fresh one (unshare -n), captured. */
class NetDevParserTest {
    @Test
    void aFreshNamespaceHasLoopbackOnly() {
        assertEquals(List.of("lo"), NetDevParser.interfaces(ProcFixtures.text("netdev/own-netns.txt")));
    }

    @Test
    void theHostHasEveryInterfaceInOrder() {
        String text = ProcFixtures.text("netdev/host.txt");
        List<String> names = NetDevParser.interfaces(text);
        assertEquals(text.strip().split("\n").length - 2, names.size());
        assertEquals("lo", names.get(0));
        assertTrue(names.stream().noneMatch(n -> n.contains(":") || n.isBlank()), names.toString());
    }

    @Test
    void aLineWithoutInterfaceIsMalformed() {
        String text = ProcFixtures.text("netdev/own-netns.txt") + "garbage\n";
        assertThrows(MalformedProcFileException.class, () -> NetDevParser.interfaces(text));
    }
}
