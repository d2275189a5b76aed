package io.crak.core.freeze;

import io.crak.core.CrakException;
import java.time.Duration;
import java.util.Set;

/**
 * The freezer of last resort: nothing happens before the engine's seize, because PTRACE_SEIZE +
 * PTRACE_INTERRUPT of every thread, with forks followed by PTRACE_O_TRACEFORK and the tree
 * re-scanned until stable, is itself the freeze. Stops are not simultaneous — threads stop one
 * after another within microseconds — which is why the other backends are preferred.
 */
public final class PtraceFreezer implements Freezer {
    @Override
    public FreezerKind kind() {
        return FreezerKind.PTRACE;
    }

    @Override
    public Set<Integer> freeze(int rootPid, Duration timeout) throws CrakException {
        return Set.of(rootPid);
    }

    @Override
    public void thaw() {
    }

    @Override
    public void close() {
    }
}
