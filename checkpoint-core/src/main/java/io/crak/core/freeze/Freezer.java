package io.crak.core.freeze;

import io.crak.core.CrakException;
import java.time.Duration;
import java.util.Set;

/**
 * Stops every process of a job group at once so that its state can be seized consistently.
 *
 * <p>The engine's sequence is: {@link #freeze} the tree, PTRACE_SEIZE and PTRACE_INTERRUPT every
 * thread it returns, then {@link #thaw} so the threads walk into their ptrace stops, dump, detach,
 * and finally {@link #close} (which undoes whatever the backend changed, e.g. cgroup membership).
 * Between {@code freeze} and the engine's seize no process may escape by forking: a backend either
 * catches forks by itself (cgroup freezers, the kernel module) or is the ptrace backend, where
 * seizing with PTRACE_O_TRACEFORK is the freeze.
 */
public interface Freezer extends AutoCloseable {
    FreezerKind kind();

    /**
     * Freezes {@code rootPid} and all its descendants, re-scanning until no new process appears.
     *
     * @return the pids frozen (processes, not threads)
     */
    Set<Integer> freeze(int rootPid, Duration timeout) throws CrakException;

    /** Lets the frozen processes run again (into their ptrace stops, if seized). */
    void thaw() throws CrakException;

    /** Thaws if still frozen and restores whatever the backend changed. Never throws. */
    @Override
    void close();
}
