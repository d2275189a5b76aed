package io.crak.core.ptrace;

import io.crak.core.jna.NativeException;
import io.crak.core.jna.Ptrace;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.UserRegs;
import io.crak.core.jna.WaitStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every process of a seized tree, parents before children, and how to let them go. */
public final class SeizedTree {
    public final Map<Integer, SeizedProcess> processes = new LinkedHashMap<>();

    /** Every task (process leaders and their other threads). */
    public java.util.List<Integer> allTids() {
        java.util.List<Integer> tids = new java.util.ArrayList<>();
        processes.values().forEach(p -> tids.addAll(p.threads.keySet()));
        return tids;
    }

    public int threadCount() {
        return processes.values().stream().mapToInt(p -> p.threads.size()).sum();
    }

    /**
     * Lets every thread go. With {@code kill}, SIGKILLs the tree first (the dump was committed and
     * the job is not to continue). Otherwise puts back the registers of threads that ran injected
     * calls and detaches, re-delivering held-back signals. Never throws: a thread that is already
     * gone is no longer ours to release.
     */
    public void release(boolean kill) {
        try {
            letGo(kill);
        } finally {
            TraceeWait.forget(allTids());
        }
    }

    private void letGo(boolean kill) {
        if (kill) {
            for (SeizedProcess p : processes.values()) {
                try {
                    Tracer.kill(p.pid, Ptrace.SIGKILL);
                } catch (NativeException e) {
                    // already gone
                }
            }
            java.util.List<Integer> tids = new java.util.ArrayList<>();
            for (SeizedProcess p : processes.values()) {
                tids.addAll(p.threads.keySet());
            }
            awaitGone(tids);
            return;
        }
        java.util.List<Integer> deadThreads = new java.util.ArrayList<>();
        java.util.List<Integer> deadLeaders = new java.util.ArrayList<>();
        for (SeizedProcess p : processes.values()) {
            for (TracedThread t : p.threads.values()) {
                if (t == null) {
                    continue; // never reached its stop: see Seizer.releaseUnstopped
                }
                try {
                    if (t.injected) {
                        UserRegs back = RestartFixup.apply(t.stoppedRegs, true);
                        Tracer.setRegs(t.tid, t.stoppedRegs.orig_rax >= 0 ? back : t.stoppedRegs);
                    }
                    int signal = t.signalToRedeliver();
                    if (t.injected && signal == 0 && t.groupStopSignal != 0) {
                        // leaving a syscall-exit stop, the signal is sent before any user code runs
                        Tracer.detach(t.tid, t.groupStopSignal);
                        continue;
                    }
                    Tracer.detach(t.tid, signal);
                    if (t.groupStopSignal != 0) {
                        // it was stopped by the user before we came: keep it stopped
                        Tracer.tgkill(p.pid, t.tid, t.groupStopSignal);
                    }
                } catch (NativeException e) {
                    // Killed while we held it (ESRCH): a dead tracee is handed to its real parent
                    // only once its tracer has waited for it, else its pid stays taken.
                    (t.tid == p.pid ? deadLeaders : deadThreads).add(t.tid);
                }
            }
        }
        reapDead(deadThreads, deadLeaders);
    }

    /** Reaps killed tracees: other threads first, since a dead leader is reported after them. */
    private static void reapDead(java.util.List<Integer> threads, java.util.List<Integer> leaders) {
        threads.forEach(SeizedTree::reapIfDead);
        // children (seized after their parents) first, for the same reason as in release(true)
        for (int i = leaders.size() - 1; i >= 0; i--) {
            reapIfDead(leaders.get(i));
        }
    }

    /** How long a killed thread may take to become reportable to its tracer. */
    private static final long DEAD_TRACEE_WAIT_MILLIS = 500;

    private static void reapIfDead(int tid) {
        long deadline = System.currentTimeMillis() + DEAD_TRACEE_WAIT_MILLIS;
        try {
            while (System.currentTimeMillis() < deadline) {
                WaitStatus s = Tracer.poll(tid);
                if (s != null && !s.stopped()) {
                    return;
                }
                Thread.sleep(5);
            }
        } catch (NativeException e) {
            // ECHILD: not (or no longer) ours to wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long killed tracees may take to be gone before we stop waiting for them. */
    private static final long KILLED_TRACEES_WAIT_MILLIS = 30_000;

    /**
     * Waits, as their tracer, until every one of these killed tasks is gone. No fixed order can
     * work: a leader is reported only after its other threads, and a dying pid-namespace init
     * (any of its threads) waits in the kernel for every task of the namespace, traced zombies
     * included, to be reaped; so every task is polled in turn until none is left.
     */
    public static void awaitGone(java.util.Collection<Integer> killed) {
        java.util.Set<Integer> left = new java.util.LinkedHashSet<>(killed);
        long deadline = System.currentTimeMillis() + KILLED_TRACEES_WAIT_MILLIS;
        try {
            while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
                boolean progress = false;
                for (java.util.Iterator<Integer> it = left.iterator(); it.hasNext();) {
                    int tid = it.next();
                    try {
                        WaitStatus s = Tracer.poll(tid);
                        if (s != null && s.stopped()) {
                            Tracer.cont(tid, 0);
                        } else if (s != null) {
                            it.remove();
                            progress = true;
                        }
                    } catch (NativeException e) {
                        it.remove(); // ECHILD: reaped by its parent, or no longer traced by us
                        progress = true;
                    }
                }
                if (!progress) {
                    Thread.sleep(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
