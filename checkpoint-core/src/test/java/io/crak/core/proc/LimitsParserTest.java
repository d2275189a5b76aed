package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LimitsParserTest {
    private static Rlimit of(List<Rlimit> limits, RlimitResource r) {
        return limits.stream().filter(l -> l.resource() == r).findFirst().orElseThrow();
    }

    @Test
    void parsesEveryResourceOfARealProcess() {
        List<Rlimit> limits = LimitsParser.parse(ProcFixtures.text("oddities/limits"));
        assertEquals(RlimitResource.values().length, limits.size());
        for (int i = 0; i < limits.size(); i++) {
            assertEquals(i, limits.get(i).resource().number());
        }
        assertTrue(of(limits, RlimitResource.CPU).softUnlimited());
        assertEquals(Rlimit.INFINITY, of(limits, RlimitResource.CPU).hard());
        Rlimit nofile = of(limits, RlimitResource.NOFILE);
        assertTrue(nofile.soft() > 0 && nofile.soft() <= nofile.hard());
        assertEquals(0, of(limits, RlimitResource.NICE).soft());
    }

    @Test
    void numbersMatchTheKernelHeader() {
        assertEquals("0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
                java.util.Arrays.stream(RlimitResource.values()).map(r -> Integer.toString(r.number()))
                        .collect(Collectors.joining(" ")));
        assertEquals(RlimitResource.MEMLOCK, RlimitResource.ofNumber(8));
        assertEquals(RlimitResource.RTTIME, RlimitResource.ofRowName("Max realtime timeout").orElseThrow());
    }

    @Test
    void parsesLargeUnsignedValuesAndRejectsGarbage() {
        String header = "Limit                     Soft Limit           Hard Limit           Units     \n";
        List<Rlimit> l = LimitsParser.parse(header
                + "Max file size             18446744073709551614 unlimited            bytes     \n");
        assertEquals(-2L, l.get(0).soft());
        assertThrows(MalformedProcFileException.class, () -> LimitsParser.parse(header
                + "Max file size             lots                 unlimited            bytes     \n"));
    }
}
