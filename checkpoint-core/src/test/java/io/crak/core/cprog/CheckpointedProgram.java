package io.crak.core.cprog;

import io.crak.core.CheckpointEngine;
import io.crak.core.ChildReaper;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.RestoreRequest;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.image.DirectoryImageSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small C test program (checkpoint-core/src/test/c/PKG/NAME.c) run through one checkpoint: it
 * sets up its state, prints READY and waits for its go file; the test dumps it (which kills it),
 * restores it in-process, creates the go file, and the program checks every property itself,
 * printing "ok ..."/"FAIL ..." lines and exiting with the number of failures.
 *
 * <p>The program is started through {@code /bin/sh -c 'prog & echo $!'} so this JVM (a child
 * subreaper through {@link ChildReaper}) inherits it without a java.lang.Process reaper thread
 * swallowing its ptrace stops.
 */
public final class CheckpointedProgram {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);
    private static final Path SOURCES = Path.of("src/test/c");
    private static final Path BINARIES = Path.of("target/c-programs");

    public final Path dir;
    public final Path output;
    public final Path goFile;
    /** The root's pid as this JVM sees it; a restore into a fresh pid namespace changes it. */
    public int pid;
    /** The util-linux unshare that started a pid-namespace program (0 otherwise). */
    private int unsharePid;
    private boolean restored;

    private CheckpointedProgram(Path dir, int pid) {
        this.dir = dir;
        this.output = dir.resolve("output.txt");
        this.goFile = dir.resolve("go");
        this.pid = pid;
    }

    /**
     * The common case: start the program, dump and kill it, restore it, let it check itself; its
     * exit status must be 0 (its output says what failed otherwise).
     */
    public static void assertSurvivesDumpKillRestore(String source, Path dir) throws Exception {
        CheckpointedProgram p = start(source, dir);
        try {
            p.dump();
            p.restore();
            int status = p.go().shellStatus();
            org.junit.jupiter.api.Assertions.assertEquals(0, status, p.output());
        } finally {
            p.killIfAlive();
        }
    }

    /** Compiles PKG/NAME.c when needed and starts it with args; its first argument is its go file. */
    public static CheckpointedProgram start(String source, Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(dir.resolve("go").toString());
        argv.addAll(List.of(args));
        CheckpointedProgram p = launch(List.of(compile(source).toAbsolutePath().toString()), argv, dir,
                dir.resolve("output.txt"));
        p.awaitOutput("READY", READY_TIMEOUT);
        return p;
    }

    /**
     * Starts a program as pid 2 of a fresh pid and mount namespace whose init (pid 1, the tree's
     * root to dump) is a shell that waits for it and exits with its status, as a job's init does.
     * argv is the whole argument list (go file included where the program expects it); returns
     * once the program printed ready.
     */
    public static CheckpointedProgram startInPidNamespace(String source, Path dir, String ready, String... argv)
            throws Exception {
        // the init shell sends the program's output to output.txt; unshare's own complaints when the
        // dump kills its child go elsewhere
        List<String> init = List.of("unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c",
                "exec >\"$0\" 2>&1; \"$@\"; exit $?", dir.resolve("output.txt").toString(),
                compile(source).toAbsolutePath().toString());
        CheckpointedProgram launched = launch(init, List.of(argv), dir, dir.resolve("unshare.txt"));
        CheckpointedProgram p = new CheckpointedProgram(dir, awaitChild(launched.pid));
        p.unsharePid = launched.pid;
        p.awaitOutput(ready, READY_TIMEOUT);
        return p;
    }

    /**
     * Starts a program as the init (pid 1) of a fresh pid and mount namespace; the init is the
     * tree's root to dump. argv is the whole argument list; returns once the program printed ready.
     */
    public static CheckpointedProgram startAsNamespaceInit(String source, Path dir, String ready, String... argv)
            throws Exception {
        List<String> init = List.of("unshare", "--pid", "--fork", "--mount-proc", compile(source).toAbsolutePath().toString());
        CheckpointedProgram launched = launch(init, List.of(argv), dir, dir.resolve("output.txt"));
        CheckpointedProgram p = new CheckpointedProgram(dir, awaitChild(launched.pid));
        p.unsharePid = launched.pid;
        p.awaitOutput(ready, READY_TIMEOUT);
        return p;
    }

    /** The first child of parent, once it has one (within READY_TIMEOUT). */
    public static int awaitChild(int parent) throws Exception {
        Path children = Path.of("/proc", Integer.toString(parent), "task", Integer.toString(parent), "children");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String c = Files.exists(children) ? Files.readString(children).strip() : "";
            if (!c.isEmpty()) {
                return Integer.parseInt(c.split(" ")[0]);
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("pid " + parent + " started no child within " + READY_TIMEOUT);
    }

    private static CheckpointedProgram launch(List<String> command, List<String> argv, Path dir, Path output)
            throws Exception {
        ChildReaper.get();
        List<String> words = new ArrayList<>(command);
        words.addAll(argv);
        StringBuilder cmd = new StringBuilder();
        for (String w : words) {
            cmd.append('\'').append(w.replace("'", "'\\''")).append("' ");
        }
        cmd.append("</dev/null >").append(output).append(" 2>&1 & echo $!");
        Process sh = new ProcessBuilder("/bin/sh", "-c", cmd.toString()).redirectInput(new File("/dev/null")).start();
        String out = new String(sh.getInputStream().readAllBytes()).strip();
        sh.waitFor();
        return new CheckpointedProgram(dir, Integer.parseInt(out));
    }

    static synchronized Path compile(String source) throws IOException, InterruptedException {
        Path src = SOURCES.resolve(source);
        Path bin = BINARIES.resolve(source.replace('/', '-').replace(".c", ""));
        if (Files.exists(bin) && Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) > 0) {
            return bin;
        }
        Files.createDirectories(BINARIES);
        Process gcc = new ProcessBuilder("gcc", "-O1", "-g", "-Wall", "-Werror", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String msg = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc " + src + " failed:\n" + msg);
        }
        return bin;
    }

    /** Dumps the program (killing it) into dir/images and waits until its pid is free. */
    public void dump(Path... includePaths) throws Exception {
        Path images = dir.resolve("images");
        try (DirectoryImageSink sink = new DirectoryImageSink(images)) {
            new CheckpointEngine().dump(new DumpRequest(pid, false, Optional.empty(), false, List.of(includePaths)), sink);
        }
        // the engine or the reaper reaps it; the restore needs its pid free
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        while (Files.exists(Path.of("/proc", Integer.toString(pid)))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("dumped pid " + pid + " did not go away within " + EXIT_TIMEOUT);
            }
            Thread.sleep(10);
        }
    }

    /** Restores the program from dir/images. */
    public void restore() throws Exception {
        try (DirectoryImageSource source = new DirectoryImageSource(dir.resolve("images"))) {
            pid = new CheckpointEngine().restore(RestoreRequest.unchecked(), source).rootPid();
            restored = true;
        }
    }

    /** Lets the restored program check itself; returns its exit status. */
    public ExitStatus go() throws Exception {
        // not restored yet, a pid-namespace init is unshare's child: unshare exits with its status
        var exit = ChildReaper.get().exitOf(unsharePid != 0 && !restored ? unsharePid : pid);
        Files.writeString(goFile, "go\n");
        try {
            return exit.get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("restored pid " + pid + " did not finish within " + EXIT_TIMEOUT
                    + "; output:\n" + output(), e);
        }
    }

    public String output() throws IOException {
        return Files.readString(output);
    }

    public void awaitOutput(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(output) || !output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pid " + pid + " did not print " + text + " within " + timeout
                        + "; output:\n" + (Files.exists(output) ? output() : "(none)"));
            }
            Thread.sleep(10);
        }
    }

    /** Kills the program if it is still there (after a failed test). */
    public void killIfAlive() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (unsharePid != 0) {
            ProcessHandle.of(unsharePid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
