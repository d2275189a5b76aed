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
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A job killed while crak holds it: its pid-namespace init, dying, waits in the kernel until every
 * task of its namespace is reaped — the traced ones by crak only. A wait for the init alone would
 * never end (crak run hung so once, mid-checkpoint); the wait must reap the rest of the tree.
 */
@Tag("integration")
class KilledNamespaceInitTest {
    private static final int SYS_PAUSE = 34;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

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

    private static void kill(int pid) {
        try {
            Tracer.kill(pid, Ptrace.SIGKILL);
        } catch (Exception e) {
            // gone already
        }
    }
}
