package io.crak.core.freeze;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CrakException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * KmodFreezer against the real module. Where /dev/crak exists (the kmod VM test's guest) this
 * freezes and thaws a real process tree; the VM runs it through {@link #main} so that the guest
 * needs no JUnit, and prints one {@code CRAK-RESULT} line per check.
 */
@Tag("integration")
class KmodFreezerGuestTest {
    private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FROZEN_WINDOW = Duration.ofMillis(200);
    private static final Duration RUN_WINDOW = Duration.ofSeconds(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** Two CPU burners and a constant forker under a shell that is init of its own pid namespace. */
    private static final String SCRIPT = "(while :; do :; done) & (while :; do :; done) & "
            + "(while :; do /bin/true; done) & wait";
    private static final int CHILDREN = 3;

    interface Reporter {
        void check(String name, boolean ok, String why);
    }

    @Test
    void freezesAndThawsARealTree() throws Exception {
        Assumptions.assumeTrue(KmodFreezer.present(), KmodFreezer.DEVICE + " absent: module not loaded on this host");
        run((name, ok, why) -> assertTrue(ok, name + ": " + why));
    }

    public static void main(String[] args) {
        int[] failures = {0};
        Reporter print = (name, ok, why) -> {
            System.out.println("CRAK-RESULT " + (ok ? "PASS " : "FAIL ") + name + (ok ? "" : ": " + why));
            if (!ok) {
                failures[0]++;
            }
        };
        try {
            run(print);
        } catch (Exception | Error e) {
            print.check("java.kmod_check_completed", false, e.toString().replace('\n', ' '));
        }
        System.exit(failures[0] == 0 ? 0 : 1);
    }

    static void run(Reporter r) throws Exception {
        r.check("java.kmod_present", KmodFreezer.present(), KmodFreezer.DEVICE + " missing or not openable");
        Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "sh", "-c", SCRIPT)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int root = awaitTree((int) unshare.pid());
            try (KmodFreezer freezer = new KmodFreezer()) {
                Set<Integer> pids = freezer.freeze(root, FREEZE_TIMEOUT);
                r.check("java.kmod_freeze_lists_tree", pids.contains(root) && pids.size() >= CHILDREN + 1,
                        "frozen " + pids + ", root " + root);
                KmodFreezer.FreezeReport report = freezer.lastFreeze();
                System.out.println("CRAK-INFO java: froze " + report.processes() + " processes / "
                        + report.threads() + " threads in " + report.elapsed().toNanos() / 1000 + " us");
                Map<Integer, Long> before = cpuTimes(root);
                Thread.sleep(FROZEN_WINDOW.toMillis());
                Map<Integer, Long> after = cpuTimes(root);
                r.check("java.kmod_nothing_runs_while_frozen", before.equals(after),
                        "CPU times moved: " + before + " -> " + after);
                KmodFreezer.Status status = freezer.status();
                r.check("java.kmod_status_quiescent", status.running() == 0 && status.quiescent() > CHILDREN,
                        status.toString());
                freezer.thaw();
                r.check("java.kmod_runs_after_thaw", runsAgain(root), "no CPU time within " + RUN_WINDOW);
                freezer.freeze(root, FREEZE_TIMEOUT);
            }
            r.check("java.kmod_close_thaws", runsAgain(root), "no CPU time within " + RUN_WINDOW + " after close");
            try (KmodFreezer freezer = new KmodFreezer()) {
                int self = (int) ProcessHandle.current().pid();
                String message = "";
                try {
                    freezer.freeze(self, FREEZE_TIMEOUT);
                } catch (CrakException e) {
                    message = e.getMessage();
                }
                r.check("java.kmod_refuses_self", message.contains("EDEADLK") && message.contains("pid " + self),
                        "message was '" + message + "'");
            }
        } finally {
            // SIGKILL of the namespace's init (by pid) kills and reaps the whole tree
            unshare.children().forEach(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly();
            unshare.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int awaitTree(int unsharePid) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> kids = children(unsharePid);
            if (kids.size() == 1 && children(kids.get(0)).size() >= CHILDREN) {
                return kids.get(0);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("tree under unshare pid " + unsharePid + " did not start in " + START_TIMEOUT);
    }

    private static List<Integer> children(int pid) {
        List<Integer> out = new ArrayList<>();
        try {
            for (String s : Files.readString(Path.of("/proc", "" + pid, "task", "" + pid, "children")).trim().split(" ")) {
                if (!s.isEmpty()) {
                    out.add(Integer.parseInt(s));
                }
            }
        } catch (IOException e) {
            // the process exited: no children
        }
        return out;
    }

    /** Nanoseconds on CPU of every thread of the tree under {@code root} (schedstat). */
    private static Map<Integer, Long> cpuTimes(int root) {
        Map<Integer, Long> times = new HashMap<>();
        List<Integer> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            int pid = todo.remove(todo.size() - 1);
            todo.addAll(children(pid));
            try (Stream<Path> tasks = Files.list(Path.of("/proc", "" + pid, "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat = Files.readString(task.resolve("schedstat")).trim();
                    times.put(Integer.parseInt(task.getFileName().toString()), Long.parseLong(stat.split(" ")[0]));
                }
            } catch (IOException | RuntimeException e) {
                // exited between listing and reading
            }
        }
        return times;
    }

    private static boolean runsAgain(int root) throws InterruptedException {
        long before = cpuTimes(root).values().stream().mapToLong(Long::longValue).sum();
        long deadline = System.nanoTime() + RUN_WINDOW.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(20);
            if (cpuTimes(root).values().stream().mapToLong(Long::longValue).sum() > before) {
                return true;
            }
        }
        return false;
    }
}
