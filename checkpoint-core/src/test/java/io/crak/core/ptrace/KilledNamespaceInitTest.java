package io.crak.core.ptrace;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.core.CrakException;
import io.crak.core.KernelLayout;
import io.crak.core.cprog.CheckpointedProgram;
import io.crak.core.jna.Ptrace;
import io.crak.core.jna.Tracer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job killed while crak holds it, at dump or at restore: its pid-namespace init, dying, waits in
 * the kernel until every task of its namespace is reaped — the traced ones by crak only. A wait for
 * the init alone would never end (crak run hung so once, mid-checkpoint); the wait must reap the
 * rest of the tree.
 */
@Tag("integration")
class KilledNamespaceInitTest {
    private static final int SYS_PAUSE = 34;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
    /** Large enough that filling it takes the restore a good part of a second. */
    private static final int SHARED_MIB = 512;
    private static final int RESTORE_ATTEMPTS = 3;

    @Test
    void anInjectedCallInAKilledNamespaceInitEndsInsteadOfWaitingForever() throws Exception {
        ChildReaper.get();
        Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", "sleep 1000 & wait")
                .start();
        int init = CheckpointedProgram.awaitChild((int) unshare.pid());
        int sleeper = CheckpointedProgram.awaitChild(init);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            assertTimeoutPreemptively(STEP_TIMEOUT, () -> {
                SeizedTree tree = new Seizer().seize(init); // held from here until release
                try {
                    RemoteSyscall r = tree.processes.get(init).threads.get(init).remote(KernelLayout.syscallInstruction(init));
                    killer.schedule(() -> {
                        kill(sleeper);
                        kill(init);
                    }, 300, TimeUnit.MILLISECONDS);
                    CrakException e = assertThrows(CrakException.class, () -> r.call(SYS_PAUSE));
                    assertTrue(e.getMessage().contains("ended during injected system call"), e.getMessage());
                } finally {
                    tree.release(false);
                }
            }, "the wait for the killed init never ended");
            assertTrue(unshare.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "unshare did not see its child end");
        } finally {
            killer.shutdownNow();
            unshare.destroyForcibly();
        }
    }

    /**
     * The same at restore: the restored init is killed while a call injected into it fills its
     * shared memory, with its child (traced by crak) still there. The restore must fail, not hang.
     */
    @Test
    void aNamespaceInitKilledMidRestoreFailsTheRestoreInsteadOfHangingIt(@TempDir Path dir) throws Exception {
        CheckpointedProgram p = CheckpointedProgram.startAsNamespaceInit("ptrace/shared-hog-init.c", dir, "READY",
                dir.resolve("go").toString(), Integer.toString(SHARED_MIB));
        ExecutorService restorer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "restorer");
            t.setDaemon(true); // a hung restore must not keep the test JVM alive
            return t;
        });
        int init = 0;
        try {
            p.dump();
            Future<?> restore = null;
            for (int attempt = 1; init == 0; attempt++) {
                restore = restorer.submit(() -> {
                    p.restore();
                    return null;
                });
                init = awaitInitInLongInjectedCall(restore);
                if (init == 0) {
                    // the restore was quicker than this look: end what it restored, and again
                    assertTrue(attempt < RESTORE_ATTEMPTS, "no restore seen in a long injected call");
                    kill(p.pid);
                }
            }
            kill(init);
            Future<?> killed = restore;
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> killed.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the restore hung");
            assertTrue(e.getCause() instanceof CrakException, () -> "not a clear restore error: " + e.getCause());
            assertTrue(e.getCause().getMessage().contains("pid " + init), e.getCause().getMessage());
            List<Integer> left = tracedByUs();
            assertTrue(left.isEmpty(), () -> "left traced: " + left);
        } finally {
            restorer.shutdownNow();
            if (init != 0) {
                kill(init);
            }
            p.killIfAlive();
        }
    }

    /**
     * The restored init (pid 1 of its namespace, traced by this JVM) while it runs one of the long
     * injected calls: madvise populating, or pread filling, its shared memory; 0 if the restore
     * ended first.
     */
    private static int awaitInitInLongInjectedCall(Future<?> restore) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (restore.isDone()) {
                restore.get();
                return 0;
            }
            for (int pid : tracedByUs()) {
                try {
                    String status = Files.readString(Path.of("/proc", Integer.toString(pid), "status"));
                    boolean init = status.lines().anyMatch(l -> l.startsWith("NSpid:") && l.endsWith("\t1"));
                    // /proc/PID/syscall says only "running" while it runs; its kernel stack names the call
                    String stack = init ? Files.readString(Path.of("/proc", Integer.toString(pid), "stack")) : "";
                    if (stack.contains("madvise") || stack.contains("pread64")) {
                        return pid;
                    }
                } catch (IOException gone) {
                    // not there any more
                }
            }
        }
        throw new AssertionError("no restored init seen in a long injected call within " + STEP_TIMEOUT);
    }

    /** Processes traced by a thread of this JVM (TracerPid names the tracing thread, not its process). */
    private static List<Integer> tracedByUs() throws IOException {
        Set<String> self = new HashSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(t -> self.add("TracerPid:\t" + t.getFileName()));
        }
        List<Integer> traced = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(proc.resolve("status")).lines().anyMatch(self::contains)) {
                        traced.add(Integer.parseInt(proc.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return traced;
    }

    private static void kill(int pid) {
        try {
            Tracer.kill(pid, Ptrace.SIGKILL);
        } catch (Exception e) {
            // gone already
        }
    }
}
