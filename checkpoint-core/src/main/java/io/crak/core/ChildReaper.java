package io.crak.core;

import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.proc.ChildrenParser;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.StatParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Makes this JVM a child subreaper and reaps what it inherits: job roots (started by us, or
 * restored and reparented to us) whose exit someone awaits through {@link #exitOf}, and orphans of
 * a job, which would otherwise stay zombies and keep their pids — fatal for exact-pid restore.
 *
 * <p>It only ever waits for exits (waitid WEXITED), never for stops, so it does not steal ptrace
 * stops from the engine. Children the JVM itself started with ProcessBuilder are reaped by the
 * JVM at once; a zombie child nobody claimed within {@link #ORPHAN_GRACE} is an orphan and reaped.
 */
public final class ChildReaper {
    public static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    public static final Duration ORPHAN_GRACE = Duration.ofMillis(200);
    private static ChildReaper instance;

    private final Map<Integer, CompletableFuture<ExitStatus>> awaited = new ConcurrentHashMap<>();
    private final Map<Integer, Long> zombieSince = new HashMap<>();
    private final ProcFiles proc = new ProcFiles();

    private ChildReaper() throws NativeException {
        Tracer.becomeChildSubreaper();
        Thread t = new Thread(this::loop, "crak-child-reaper");
        t.setDaemon(true);
        t.start();
    }

    public static synchronized ChildReaper get() {
        if (instance == null) {
            try {
                instance = new ChildReaper();
            } catch (NativeException e) {
                throw new IllegalStateException("cannot become a child subreaper: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** Completes when child pid exits (it is reaped then). */
    public CompletableFuture<ExitStatus> exitOf(int pid) {
        return awaited.computeIfAbsent(pid, p -> new CompletableFuture<>());
    }

    private void loop() {
        while (true) {
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
                for (Map.Entry<Integer, CompletableFuture<ExitStatus>> e : awaited.entrySet()) {
                    reapAwaited(e.getKey(), e.getValue());
                }
                reapOrphans();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                // whatever happens, the reaper must live on: a dead one leaves zombies holding pids
                continue;
            }
        }
    }

    /**
     * Waits only once the child is a zombie: a wait for a child this JVM also traces would report
     * (and consume) its ptrace stops whatever the wait flags.
     */
    private void reapAwaited(int pid, CompletableFuture<ExitStatus> future) {
        if (!zombie(pid)) {
            if (!java.nio.file.Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                awaited.remove(pid);
                future.completeExceptionally(new IllegalStateException("pid " + pid + " was reaped elsewhere"));
            }
            return;
        }
        try {
            int[] st = Tracer.exitOf(pid, false);
            if (st != null) {
                awaited.remove(pid);
                future.complete(new ExitStatus(pid, st[0] == 1, st[0] == 1 ? st[1] : 0, st[0] == 1 ? 0 : st[1]));
            }
        } catch (NativeException e) {
            // ECHILD: not our child (any more); its waiter learns nothing more
            awaited.remove(pid);
            future.completeExceptionally(new IllegalStateException("pid " + pid + ": " + e.getMessage()));
        }
    }

    private void reapOrphans() {
        long now = System.nanoTime();
        Map<Integer, Long> seen = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                for (int child : ChildrenParser.parse(Files.readString(t.resolve("children")))) {
                    if (awaited.containsKey(child) || !zombie(child)) {
                        continue;
                    }
                    long since = zombieSince.getOrDefault(child, now);
                    seen.put(child, since);
                    if (now - since > ORPHAN_GRACE.toNanos()) {
                        Tracer.exitOf(child, false);
                        seen.remove(child);
                    }
                }
            }
        } catch (IOException | NativeException | RuntimeException e) {
            // a task or child vanished mid-scan; next round
        }
        zombieSince.clear();
        zombieSince.putAll(seen);
    }

    private boolean zombie(int pid) {
        try {
            return StatParser.parse(proc.read(pid, "stat")).isExited();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
