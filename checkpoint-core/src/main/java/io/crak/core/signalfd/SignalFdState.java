package io.crak.core.signalfd;

import io.crak.core.files.FdState;

/** A signalfd's signal mask (bit n-1 = signal n). Pending signals belong to the process, not to it. */
public record SignalFdState(long mask) implements FdState {
}
