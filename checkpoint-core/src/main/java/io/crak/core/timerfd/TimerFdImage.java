package io.crak.core.timerfd;

import io.crak.core.files.FdState;

/**
 * A timerfd's timer.
 *
 * @param clockId CLOCK_* the timer counts on
 * @param ticks expirations not yet read
 * @param settimeFlags TFD_TIMER_* flags of its last timerfd_settime
 * @param remainingNanos time to the next expiration at the dump (0: disarmed)
 * @param intervalNanos period (0: one-shot)
 * @param dumpedAtRealtimeNanos CLOCK_REALTIME at the dump, to re-arm absolute realtime timers
 *     at the same wall-clock instant
 */
public record TimerFdImage(int clockId, long ticks, int settimeFlags, long remainingNanos, long intervalNanos,
        long dumpedAtRealtimeNanos) implements FdState {
}
