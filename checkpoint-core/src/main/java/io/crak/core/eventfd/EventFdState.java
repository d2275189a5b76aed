package io.crak.core.eventfd;

import io.crak.core.files.FdState;

/**
 * An eventfd's counter and mode.
 *
 * @param count the 64-bit counter (unsigned)
 * @param semaphore created with EFD_SEMAPHORE (each read takes 1 instead of the whole count)
 */
public record EventFdState(long count, boolean semaphore) implements FdState {
}
