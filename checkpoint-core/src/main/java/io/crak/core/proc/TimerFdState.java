package io.crak.core.proc;

import java.time.Duration;

/**
 * The timer of a timerfd as its fdinfo shows it.
 *
 * @param clockId CLOCK_* id the timer counts on (0 realtime, 1 monotonic, 7 boottime...)
 * @param ticks expirations not yet read
 * @param settimeFlags TFD_TIMER_* flags of the last timerfd_settime
 * @param value time until the next expiration (zero when disarmed)
 * @param interval period of the timer (zero for one-shot)
 */
public record TimerFdState(int clockId, long ticks, int settimeFlags, Duration value, Duration interval) {
    public boolean armed() {
        return !value.isZero();
    }
}
