package io.crak.core.signal;

import java.util.List;

/**
 * Process-wide signal state.
 *
 * @param actions struct kernel_sigaction {handler, flags, restorer, mask} of every signal whose
 *     disposition is not SIG_DFL
 * @param pending siginfo records (128 bytes) queued to the whole process
 * @param itimers struct itimerval {interval sec, usec, value sec, usec} for ITIMER_REAL,
 *     ITIMER_VIRTUAL, ITIMER_PROF
 */
public record SignalImage(List<Action> actions, List<byte[]> pending, long[][] itimers) {
    public record Action(int signal, long handler, long flags, long restorer, long mask) {
    }
}
