package io.crak.job;

import io.crak.core.ChildReaper;
import io.crak.core.proc.ProcStat;
import io.crak.core.proc.StatParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Learns how a job's root ended without ever calling wait on it while it lives: the engine
 * ptrace-stops the root during every checkpoint, and any wait by another thread of this JVM on a
 * child we trace would consume that stop (the kernel reports stops of traced children whatever
 * the wait options). So the root's /proc stat is watched until it is a zombie, its status read
 * from there (exit_code, in waitpid form), and only then is it handed to the {@link ChildReaper}
 * (this JVM is a child subreaper) to be reaped. The future completes once its pid is free. A root
 * that dies while the engine dumps it is reaped by the engine's tracing thread instead; that
 * can only be a death by SIGKILL, and is reported so.
 */
final class RootExitWatch {
    static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crak-job-exit-watch");
        t.setDaemon(true);
        return t;
    });
    private static final Map<Integer, Watch> WATCHES = new ConcurrentHashMap<>();

    static {
        POLLER.scheduleWithFixedDelay(RootExitWatch::pollAll, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private RootExitWatch() {
    }

    /** Our child {@code pid} (already adopted); fails at once if it is not there. */
    static CompletableFuture<JobExit> of(int pid) throws IOException {
        ChildReaper.get();
        ProcStat stat = stat(pid);
        if (stat == null) {
            throw new IOException("job root pid " + pid + " does not exist");
        }
        Watch w = new Watch(pid, stat.startTime());
        WATCHES.put(pid, w);
        return w.exit;
    }

    private static final class Watch {
        final int pid;
        final long startTime;
        final CompletableFuture<JobExit> exit = new CompletableFuture<>();
        JobExit status;

        Watch(int pid, long startTime) {
            this.pid = pid;
            this.startTime = startTime;
        }
    }

    private static void pollAll() {
        for (Watch w : WATCHES.values()) {
            try {
                poll(w);
            } catch (RuntimeException e) {
                WATCHES.remove(w.pid);
                w.exit.completeExceptionally(e);
            }
        }
    }

    private static void poll(Watch w) {
        ProcStat stat = stat(w.pid);
        boolean same = stat != null && stat.startTime() == w.startTime;
        if (same && stat.isExited() && w.status == null) {
            w.status = fromWaitStatus(stat.exitCode());
            ChildReaper.get().exitOf(w.pid); // a zombie now: reaping it steals nothing
        } else if (!same) {
            WATCHES.remove(w.pid);
            // Gone before we saw its zombie: only the engine reaps a root, when it died while being
            // dumped (traced and stopped), and a stopped process can only have died of SIGKILL.
            w.exit.complete(w.status != null ? w.status : JobExit.killed(JobExit.SIGKILL));
        }
    }

    static JobExit fromWaitStatus(int raw) {
        int signal = raw & 0x7f;
        return signal == 0 ? JobExit.exited((raw >> 8) & 0xff) : JobExit.killed(signal);
    }

    private static ProcStat stat(int pid) {
        try {
            return StatParser.parse(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException e) {
            return null;
        }
    }
}
