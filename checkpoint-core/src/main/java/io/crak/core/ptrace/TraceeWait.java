package io.crak.core.ptrace;

import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.WaitStatus;
import io.crak.core.proc.StatusParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * How the engine waits for one of its tracees. While crak holds a seized tree this cannot be one
 * blocking waitpid: a killed pid-namespace init waits in the kernel until every task of its
 * namespace is reaped, and a traced one only by its tracer, so waiting for the init (or for any
 * task blocked behind it) alone would never end. So, while a tree is held, the wait polls the task
 * (spinning first: an injected call stops within microseconds) and meanwhile reaps the exits of
 * the other held tasks (waitid WEXITED, which leaves their ptrace stops to whoever waits for them),
 * except those crak is the parent of, whose exit status belongs to crak's own reaper. A restore
 * holds the tasks it creates the same way, until it lets them go: a job killed mid-restore would
 * otherwise hang it. With no tree held (waiting for a restored root that may run for hours) it is
 * a plain blocking wait, using no CPU.
 */
public final class TraceeWait {
    /**
     * Per thread: ptrace requests come from the tracer thread only, so each dump or restore holds
     * its tree in its own thread, and its waits never reap (and so steal the exit of) a task of
     * another tree the agent is restoring or dumping at the same time.
     */
    private static final ThreadLocal<Set<Integer>> HELD = ThreadLocal.withInitial(HashSet::new);
    /** Polls of a waited-for task before waiting turns to sleeps. */
    private static final int SPIN_POLLS = 500;
    private static final long SLEEP_NANOS = 100_000;
    private static final long REAP_INTERVAL_NANOS = 5_000_000;

    private TraceeWait() {
    }

    /**
     * The tasks of a tree crak now holds (seized at dump, or created and traced at restore), whose
     * deaths a wait must not ignore.
     */
    public static void hold(Collection<Integer> tids) {
        HELD.get().addAll(tids);
    }

    /** The tasks are released (detached) or gone. */
    public static void forget(Collection<Integer> tids) {
        HELD.get().removeAll(tids);
    }

    /** Waits for a state change of tid (any thread: __WALL); see the class comment. */
    public static WaitStatus waitFor(int tid) throws NativeException {
        if (HELD.get().isEmpty()) {
            return Tracer.waitFor(tid);
        }
        for (int i = 0; i < SPIN_POLLS; i++) {
            WaitStatus s = Tracer.poll(tid);
            if (s != null) {
                return s;
            }
            Thread.onSpinWait();
        }
        long nextReap = 0;
        while (true) {
            WaitStatus s = Tracer.poll(tid);
            if (s != null) {
                return s;
            }
            if (System.nanoTime() >= nextReap) {
                reapDeadHeldTasks(tid);
                nextReap = System.nanoTime() + REAP_INTERVAL_NANOS;
            }
            LockSupport.parkNanos(SLEEP_NANOS);
        }
    }

    private static void reapDeadHeldTasks(int waitedFor) {
        int self = (int) ProcessHandle.current().pid();
        for (Iterator<Integer> it = HELD.get().iterator(); it.hasNext();) {
            int tid = it.next();
            if (tid == waitedFor) {
                continue;
            }
            try {
                if (Tracer.exitOf(tid, true) != null && realParent(tid) != self) {
                    Tracer.exitOf(tid, false);
                    it.remove();
                }
            } catch (NativeException e) {
                it.remove(); // ECHILD: not ours to wait for (any more)
            }
        }
    }

    /** The parent /proc shows (the real one: a tracer is not shown there), or -1 once it is gone. */
    private static int realParent(int tid) {
        try {
            return StatusParser.parse(Files.readString(Path.of("/proc", Integer.toString(tid), "status"))).ppid();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
