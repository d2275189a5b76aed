package io.crak.core.freeze;

import io.crak.core.proc.ChildrenParser;
import io.crak.core.proc.ProcFiles;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real process tree for freezer tests, started in its own pid namespace so that nothing it
 * forks can be orphaned to this host's pid 1 (which never reaps): {@code unshare} (our child)
 * forks a bash that is init of the namespace, with a sleeper, a CPU burner and a constant
 * forker below it. Killing that bash by pid makes the kernel kill and reap the whole namespace.
 */
final class TestTree implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    static final String SCRIPT = "sleep 1000 & "
            + "(while :; do :; done) & "
            + "(while :; do /bin/true; done) & "
            + "wait";
    /** The tree's own children: sleeper, burner, forker. */
    static final int CHILDREN = 3;

    private final Process unshare;
    private final int root;

    private TestTree(Process unshare, int root) {
        this.unshare = unshare;
        this.root = root;
    }

    static TestTree start() throws IOException, InterruptedException {
        Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "bash", "-c", SCRIPT)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        ProcFiles proc = new ProcFiles();
        int up = (int) unshare.pid();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> kids = ChildrenParser.parse(read(proc, up));
            if (kids.size() == 1 && ChildrenParser.parse(read(proc, kids.get(0))).size() >= CHILDREN) {
                return new TestTree(unshare, kids.get(0));
            }
            Thread.sleep(10);
        }
        unshare.destroyForcibly();
        unshare.waitFor();
        throw new IllegalStateException("test tree under unshare pid " + up + " did not come up in " + START_TIMEOUT);
    }

    private static String read(ProcFiles proc, int pid) {
        try {
            return proc.readTask(pid, pid, "children");
        } catch (IOException e) {
            return "";
        }
    }

    int root() {
        return root;
    }

    /** pid of the bash subshell that burns CPU (the second child started). */
    int burner() throws IOException {
        return childByOrder(1);
    }

    private int childByOrder(int index) throws IOException {
        // children are listed in fork order (the kernel appends to the parent's list at fork)
        return ChildrenParser.parse(new ProcFiles().readTask(root, root, "children")).get(index);
    }

    @Override
    public void close() throws InterruptedException {
        // SIGKILL of a pid namespace's init kills and reaps every process in it.
        ProcessHandle.of(root).ifPresent(ProcessHandle::destroyForcibly);
        if (!unshare.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            unshare.destroyForcibly();
            unshare.waitFor();
        }
    }
}
