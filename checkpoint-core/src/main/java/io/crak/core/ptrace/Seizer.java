package io.crak.core.ptrace;

import static io.crak.core.jna.Ptrace.*;

import io.crak.core.CrakException;
import io.crak.core.jna.Errno;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.WaitStatus;
import io.crak.core.proc.ChildrenParser;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.StatParser;
import io.crak.core.proc.StatusParser;
import io.crak.core.proc.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Seizes every thread of a process tree (PTRACE_SEIZE + PTRACE_INTERRUPT) and waits until all of
 * them sit in a ptrace stop. With PTRACE_O_TRACEFORK/CLONE set, a fork racing the seize produces a
 * child that is attached automatically; the tree is re-scanned until a scan finds nothing new, so
 * no process escapes. This is the ptrace freezer, and the step every other freezer is followed by.
 */
public final class Seizer {
    public static final int OPTIONS = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK
            | PTRACE_O_TRACECLONE;
    private static final int MAX_SCAN_ROUNDS = 1000;

    private final ProcFiles proc = new ProcFiles();
    private final int self = Tracer.getpid();

    /** What lets a frozen tree run again (into the ptrace stops its interrupts have queued). */
    @FunctionalInterface
    public interface Thaw {
        void thaw() throws CrakException;
    }

    /** Seizes the tree of rootPid, no freezer before it (the ptrace freezer). */
    public SeizedTree seize(int rootPid) throws CrakException {
        return seize(rootPid, () -> { });
    }

    /**
     * Seizes the tree of rootPid, which a freezer may hold frozen: every thread is seized and
     * interrupted while frozen, then {@code thaw} lets them run — straight into their ptrace stops
     * — and only then are the stops awaited (a task frozen by the cgroup v1 freezer cannot reach a
     * ptrace stop before it is thawed). On failure every thread already seized is released again.
     */
    public SeizedTree seize(int rootPid, Thaw thaw) throws CrakException {
        SeizedTree tree = new SeizedTree();
        boolean[] thawed = {false};
        Thaw once = () -> {
            if (!thawed[0]) {
                thawed[0] = true;
                thaw.thaw();
            }
        };
        try {
            seizeInto(rootPid, tree, once);
            TraceeWait.hold(tree.allTids()); // until release
            return tree;
        } catch (CrakException | RuntimeException e) {
            try {
                once.thaw(); // a thread still frozen could never reach the stop it must be released from
            } catch (CrakException thawFailure) {
                e.addSuppressed(thawFailure);
            }
            releaseUnstopped(tree);
            tree.release(false);
            throw e;
        }
    }

    private void seizeInto(int rootPid, SeizedTree tree, Thaw thaw) throws CrakException {
        if (!Files.exists(Path.of("/proc", Integer.toString(rootPid)))) {
            throw new CrakException("pid " + rootPid + ": no such process");
        }
        ProcStat rootStat = stat(rootPid);
        if (rootStat != null && rootStat.isExited()) {
            throw new CrakException("pid " + rootPid + ": has exited (zombie); there is nothing to checkpoint");
        }
        Set<Integer> seized = new HashSet<>();
        Map<Integer, Integer> stopSignal = new LinkedHashMap<>();
        for (int round = 0; round < MAX_SCAN_ROUNDS; round++) {
            boolean added = false;
            for (int[] pt : scanTree(rootPid)) {
                int pid = pt[0];
                ProcStat st = stat(pid);
                if (st == null) {
                    continue;
                }
                if (st.isExited()) {
                    tree.processes.computeIfAbsent(pid, p -> new SeizedProcess(p, st.ppid(), true));
                    continue;
                }
                SeizedProcess sp = tree.processes.computeIfAbsent(pid, p -> new SeizedProcess(p, st.ppid(), false));
                for (int tid : tasks(pid)) {
                    if (seized.contains(tid)) {
                        continue;
                    }
                    if (seizeOne(pid, tid)) {
                        seized.add(tid);
                        sp.threads.put(tid, null);
                        added = true;
                    }
                }
            }
            if (round == 0) {
                thaw.thaw();
            }
            // Wait until every seized thread is in a stop; forks caught meanwhile show up in the next scan.
            for (SeizedProcess sp : tree.processes.values()) {
                for (Map.Entry<Integer, TracedThread> e : new ArrayList<>(sp.threads.entrySet())) {
                    if (e.getValue() == null) {
                        TracedThread t = waitStopped(sp.pid, e.getKey());
                        if (t == null) {
                            sp.threads.remove(e.getKey());
                        } else {
                            sp.threads.put(e.getKey(), t);
                        }
                    }
                }
            }
            // A process none of whose threads could be seized is exiting (PF_EXITING): it becomes a
            // zombie within moments and its parent, stopped, cannot reap it — so scan again.
            boolean exiting = tree.processes.values().stream().anyMatch(p -> !p.zombie && p.threads.isEmpty());
            if (exiting) {
                tree.processes.values().removeIf(p -> !p.zombie && p.threads.isEmpty());
                pause();
                continue;
            }
            if (!added) {
                if (!tree.processes.containsKey(rootPid)) {
                    throw new CrakException("pid " + rootPid + ": exited while being seized");
                }
                forgetReapedZombies(tree);
                return;
            }
        }
        throw new CrakException("pid " + rootPid + ": the tree kept changing over " + MAX_SCAN_ROUNDS + " scans");
    }

    /**
     * A zombie seen by a scan may have been reaped by its parent before that parent reached its
     * stop (the ptrace freezer stops threads one after another): the parent consumed its exit
     * status before the checkpoint's moment, so it is no longer part of the tree. Every live
     * process is stopped now, so what is still a zombie stays one.
     */
    private void forgetReapedZombies(SeizedTree tree) {
        tree.processes.values().removeIf(p -> {
            if (!p.zombie) {
                return false;
            }
            ProcStat st = stat(p.pid);
            return st == null || !st.isExited() || st.ppid() != p.ppid;
        });
    }

    private boolean seizeOne(int pid, int tid) throws CrakException {
        try {
            Tracer.seize(tid, OPTIONS);
        } catch (NativeException e) {
            if (e.errno() == Errno.ESRCH) {
                return false; // exited meanwhile
            }
            int tracer = tracerOf(pid, tid);
            if (e.errno() == Errno.EPERM && tracer == self) {
                return true; // attached automatically when its parent forked: it starts stopped
            }
            if (e.errno() == Errno.EPERM && tracer <= 0) {
                return false; // exiting (PF_EXITING) or already gone: the next scan sees it as a zombie
            }
            if (tracer > 0) {
                throw new CrakException("pid " + pid + " tid " + tid + ": already traced by pid " + tracer
                        + " (a debugger?); cannot checkpoint a traced process");
            }
            throw new CrakException("pid " + pid + " tid " + tid + ": cannot seize: " + e.errnoName());
        }
        try {
            Tracer.interrupt(tid);
        } catch (NativeException e) {
            if (e.errno() != Errno.ESRCH) {
                throw new CrakException("pid " + pid + " tid " + tid + ": PTRACE_INTERRUPT failed: " + e.errnoName());
            }
        }
        return true;
    }

    /** Threads seized but not yet waited for must reach their stop before they can be detached. */
    private void releaseUnstopped(SeizedTree tree) {
        for (SeizedProcess sp : tree.processes.values()) {
            for (Map.Entry<Integer, TracedThread> e : sp.threads.entrySet()) {
                if (e.getValue() == null) {
                    try {
                        e.setValue(waitStopped(sp.pid, e.getKey()));
                    } catch (CrakException ex) {
                        // gone: nothing to release
                    }
                }
            }
        }
    }

    /** Waits for tid's stop; returns null if it exited. */
    private TracedThread waitStopped(int pid, int tid) throws CrakException {
        int pending = 0;
        try {
            while (true) {
                WaitStatus s = TraceeWait.waitFor(tid);
                if (!s.stopped()) {
                    return null;
                }
                int ev = s.event();
                if (ev == PTRACE_EVENT_STOP) {
                    int sig = s.stopSig();
                    if (sig == SIGSTOP || sig == 20 || sig == 21 || sig == 22) {
                        // group-stop: the process was stopped by the user (or is stopping now)
                        return new TracedThread(tid, Tracer.getRegs(tid), 0).groupStopped(sig);
                    }
                    return new TracedThread(tid, Tracer.getRegs(tid), pending);
                }
                if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK || ev == PTRACE_EVENT_CLONE) {
                    // Let the fork finish: the pending interrupt stops the thread right after, and
                    // the new child (attached automatically) is found by the next scan.
                    Tracer.cont(tid, 0);
                    continue;
                }
                if (ev != 0) {
                    Tracer.cont(tid, 0);
                    continue;
                }
                // signal-delivery-stop: hold the signal back, re-deliver it on release
                pending = s.stopSig();
                Tracer.cont(tid, 0);
            }
        } catch (NativeException e) {
            if (e.errno() == Errno.ESRCH) {
                return null;
            }
            throw new CrakException("pid " + pid + " tid " + tid + ": waiting for the stop failed: " + e.getMessage());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int tracerOf(int pid, int tid) {
        try {
            return StatusParser.parse(proc.readTask(pid, tid, "status")).tracerPid();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private ProcStat stat(int pid) {
        try {
            return StatParser.parse(proc.read(pid, "stat"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Thread ids of pid, leader first. */
    static List<Integer> tasks(int pid) {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            s.forEach(p -> out.add(Integer.parseInt(p.getFileName().toString())));
        } catch (IOException e) {
            return out;
        }
        out.sort((a, b) -> a == pid ? -1 : b == pid ? 1 : Integer.compare(a, b));
        return out;
    }

    /** {pid, ppid} of rootPid and all its descendants, parents before children (breadth first). */
    List<int[]> scanTree(int rootPid) {
        List<int[]> out = new ArrayList<>();
        Deque<int[]> queue = new ArrayDeque<>();
        queue.add(new int[] {rootPid, 0});
        Set<Integer> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            int[] pt = queue.poll();
            if (!seen.add(pt[0])) {
                continue;
            }
            out.add(pt);
            for (int tid : tasks(pt[0])) {
                try {
                    for (int child : ChildrenParser.parse(proc.readTask(pt[0], tid, "children"))) {
                        queue.add(new int[] {child, pt[0]});
                    }
                } catch (IOException | RuntimeException e) {
                    // thread gone meanwhile
                }
            }
        }
        return out;
    }
}
