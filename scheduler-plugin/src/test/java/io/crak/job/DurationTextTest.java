package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
    @Test
    void parsesEveryUnitAndCombinations() {
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
        assertEquals(Duration.ofMinutes(10), DurationText.parse("10m"));
        assertEquals(Duration.ofHours(2), DurationText.parse("2h"));
        assertEquals(Duration.ofMinutes(90), DurationText.parse("1h30m"));
        assertEquals(Duration.ofMillis(1500), DurationText.parse("1s500ms"));
        assertEquals(Duration.ofDays(1).plusHours(2), DurationText.parse("1d2h"));
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"", "10", "s", "1.5h", "-1s", "10 m", "30m1h", "1m1m", "1x", "99999999999999999999s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("duration '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void formatReadsBack() {
        for (Duration d : new Duration[] {Duration.ofSeconds(1), Duration.ofMinutes(90), Duration.ofMillis(61_001),
                Duration.ofDays(3).plusSeconds(7)}) {
            assertEquals(d, DurationText.parse(DurationText.format(d)));
        }
        assertEquals("1h30m", DurationText.format(Duration.ofMinutes(90)));
    }
}
