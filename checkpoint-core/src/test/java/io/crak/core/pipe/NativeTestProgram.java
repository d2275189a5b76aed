package io.crak.core.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crak.core.CheckpointEngine;
import io.crak.core.ChildReaper;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.RestoreRequest;
import io.crak.core.RestoredTree;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.image.DirectoryImageSource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small C test program under src/test/c, built with gcc, run as an orphan of this JVM (which
 * reaps it as subreaper), checkpointed, killed and restored in-process by the engine.
 */
public final class NativeTestProgram {
    public static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private final Path out;
    private int pid;
    /** When the process behind pid started (again, if restored): kill() must not hit a reused pid. */
    private java.util.Optional<java.time.Instant> started = java.util.Optional.empty();

    private NativeTestProgram(Path out) {
        this.out = out;
    }

    /** Compiles src/test/c/{@code source} (relative to the module) into dir. */
    public static Path build(String source, Path dir) throws Exception {
        Path exe = dir.resolve(Path.of(source).getFileName().toString().replace(".c", ""));
        Process gcc = new ProcessBuilder("gcc", "-Wall", "-O1", "-o", exe.toString(),
                Path.of("src/test/c", source).toString()).redirectErrorStream(true).start();
        String msg = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), () -> "gcc " + source + " failed: " + msg);
        return exe;
    }

    /**
     * Starts the program through a shell that exits at once: a java.lang.Process would have its
     * ptrace stops swallowed by the JDK's reaper thread. Output goes to {@code out}.
     */
    public static NativeTestProgram start(Path out, List<String> command) throws Exception {
        ChildReaper.get();
        StringBuilder cmd = new StringBuilder();
        for (String s : command) {
            cmd.append('\'').append(s.replace("'", "'\\''")).append("' ");
        }
        cmd.append("</dev/null >'").append(out).append("' 2>&1 & echo $!");
        Process sh = new ProcessBuilder("/bin/sh", "-c", cmd.toString()).redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String pid = new String(sh.getInputStream().readAllBytes()).strip();
        assertEquals(0, sh.waitFor());
        NativeTestProgram p = new NativeTestProgram(out);
        p.pid = Integer.parseInt(pid);
        p.started = p.startInstant();
        return p;
    }

    public int pid() {
        return pid;
    }

    public String output() throws Exception {
        return Files.exists(out) ? Files.readString(out) : "";
    }

    public void awaitLine(String line) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!output().lines().anyMatch(line::equals)) {
            if (System.nanoTime() > deadline || !Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                throw new AssertionError("no line '" + line + "' from pid " + pid + "; output:\n" + output());
            }
            Thread.sleep(10);
        }
    }

    /** Dumps the tree into images (killing it), restores it from there, and returns the pids restored. */
    public List<Integer> checkpointKillRestore(Path images) throws Exception {
        // the dump kills and reaps the tree (as its tracer); the restore waits out a late reap
        new CheckpointEngine().dump(DumpRequest.of(pid, false), new DirectoryImageSink(images));
        RestoredTree tree;
        try (DirectoryImageSource src = new DirectoryImageSource(images)) {
            tree = new CheckpointEngine().restore(RestoreRequest.unchecked(), src);
        }
        started = startInstant();
        return new ArrayList<>(tree.pids());
    }

    /** Kills what is left of the program after a failed test: its descendants, then itself, by pid. */
    public void kill() {
        ProcessHandle.of(pid).filter(h -> started.isPresent() && h.info().startInstant().equals(started)).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        });
    }

    private java.util.Optional<java.time.Instant> startInstant() {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
    }

    public ExitStatus awaitExit() throws Exception {
        return ChildReaper.get().exitOf(pid).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
