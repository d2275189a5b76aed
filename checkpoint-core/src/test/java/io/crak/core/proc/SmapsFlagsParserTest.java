package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmapsFlagsParserTest {
    /** smaps of a process that madvise'd four 16-page slices of one mapping (captured on this host). */
    private static String fixture() throws IOException {
        try (InputStream in = SmapsFlagsParserTest.class.getResourceAsStream("/proc/smaps-madvise.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyAreaHasItsFlags() throws IOException {
        String text = fixture();
        Map<Long, List<String>> flags = SmapsFlagsParser.parse(text);
        long headers = MapsParser.parse(text.lines().filter(l -> l.matches("^[0-9a-f]+-[0-9a-f]+ .*"))
                .reduce("", (a, b) -> a + b + "\n")).size();
        assertEquals(headers, flags.size());
        assertTrue(flags.values().stream().anyMatch(f -> f.contains("dc")), "MADV_DONTFORK area");
        assertTrue(flags.values().stream().anyMatch(f -> f.contains("wf")), "MADV_WIPEONFORK area");
        assertTrue(flags.values().stream().anyMatch(f -> f.contains("dd") && f.contains("wr")), "MADV_DONTDUMP area");
    }

    @Test
    void flagsBeforeAHeaderAreMalformed() {
        assertThrows(MalformedProcFileException.class, () -> SmapsFlagsParser.parse("VmFlags: rd wr\n"));
    }
}
