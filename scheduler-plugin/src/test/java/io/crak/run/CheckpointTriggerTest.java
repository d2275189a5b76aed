package io.crak.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quartz.SimpleTrigger;

class CheckpointTriggerTest {
    private static final Duration INTERVAL = Duration.ofMillis(300);

    @Test
    void triggerIsRepeatingWithoutBurstOnMisfire() {
        SimpleTrigger t = (SimpleTrigger) CheckpointTrigger.trigger("j", INTERVAL);
        assertEquals(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT, t.getMisfireInstruction());
        assertEquals(SimpleTrigger.REPEAT_INDEFINITELY, t.getRepeatCount());
        assertEquals(INTERVAL.toMillis(), t.getRepeatInterval());
        assertEquals(Duration.ofMillis(150), CheckpointTrigger.misfireThreshold(INTERVAL));
    }

    @Test
    void firesEveryIntervalAndSkipsMissedOnesAfterALongCheckpoint() throws Exception {
        List<Long> fires = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        long start = System.nanoTime();
        Runnable action = () -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            synchronized (fires) {
                fires.add((System.nanoTime() - start) / 1_000_000);
            }
            try {
                if (fires.size() == 2) {
                    // a checkpoint that takes more than three intervals
                    Thread.sleep(INTERVAL.toMillis() * 3 + INTERVAL.toMillis() / 5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
        };
        try (CheckpointTrigger trigger = CheckpointTrigger.start("trigger-test", INTERVAL, action)) {
            Thread.sleep(INTERVAL.toMillis() * 9);
        }
        List<Long> at;
        synchronized (fires) {
            at = List.copyOf(fires);
        }
        assertEquals(0, overlaps.get());
        // first fire one interval after start, not at once
        assertTrue(at.get(0) >= INTERVAL.toMillis() - 20, "first fire at " + at);
        for (int i = 1; i < at.size(); i++) {
            long gap = at.get(i) - at.get(i - 1);
            assertTrue(gap >= INTERVAL.toMillis() / 2, "fires " + at + ": burst of missed fires (gap " + gap + " ms)");
        }
        // 9 intervals, one fire blocked for ~3: without a burst there are at most 6-7 fires, at least 4
        assertTrue(at.size() >= 4 && at.size() <= 7, "fires at " + at);
    }
}
