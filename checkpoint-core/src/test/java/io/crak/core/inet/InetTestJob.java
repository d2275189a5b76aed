package io.crak.core.inet;

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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A test program of src/test/c/inet, built with gcc and started as an orphan of this JVM (which
 * reaps it as subreaper; a java.lang.Process would have its ptrace stops swallowed by the JDK's
 * reaper thread), then dumped, killed and restored in-process by the engine.
 */
final class InetTestJob {
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    final int pid;
    final Path out;

    private InetTestJob(int pid, Path out) {
        this.pid = pid;
        this.out = out;
    }

    static Path build(String name, Path dir) throws Exception {
        Path exe = dir.resolve(name);
        Process gcc = new ProcessBuilder("gcc", "-Wall", "-O1", "-o", exe.toString(), "src/test/c/inet/" + name + ".c")
                .redirectErrorStream(true).start();
        String msg = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), () -> "gcc " + name + ".c failed: " + msg);
        return exe;
    }

    static InetTestJob start(Path out, List<String> command) throws Exception {
        ChildReaper.get();
        // its own session, as a batch job is (setsid execs in place: the background child leads no group)
        StringBuilder cmd = new StringBuilder("setsid ");
        for (String s : command) {
            cmd.append('\'').append(s.replace("'", "'\\''")).append("' ");
        }
        cmd.append("</dev/null >'").append(out).append("' 2>&1 & echo $!");
        Process sh = new ProcessBuilder("/bin/sh", "-c", cmd.toString()).redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String pid = new String(sh.getInputStream().readAllBytes()).strip();
        assertEquals(0, sh.waitFor());
        return new InetTestJob(Integer.parseInt(pid), out);
    }

    String output() throws Exception {
        return Files.exists(out) ? Files.readString(out) : "";
    }

    /** Waits until the program wrote a non-empty file (its "ready" signal). */
    void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!Files.exists(file) || Files.size(file) == 0) {
            if (System.nanoTime() > deadline || !Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                throw new AssertionError("pid " + pid + " never wrote " + file + "; output:\n" + output());
            }
            Thread.sleep(10);
        }
    }

    /**
     * Sends the datagram "outside" from a socket of the test's own (not in the job) to
     * 127.0.0.1:port, and closes that socket; returns the port it was sent from.
     */
    static int sendDatagramFromOutside(int port) throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            byte[] d = "outside".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            s.send(new java.net.DatagramPacket(d, d.length, java.net.InetAddress.getLoopbackAddress(), port));
            return s.getLocalPort();
        }
    }

    void dumpKill(Path images, boolean tcpClose) throws Exception {
        new CheckpointEngine().dump(new DumpRequest(pid, false, Optional.empty(), tcpClose),
                new DirectoryImageSink(images));
        // the engine (tracer and, as subreaper, parent) reaps the killed tree itself
    }

    boolean alive() {
        return Files.exists(Path.of("/proc", Integer.toString(pid)));
    }

    void restore(Path images) throws Exception {
        RestoredTree tree;
        try (DirectoryImageSource src = new DirectoryImageSource(images)) {
            tree = new CheckpointEngine().restore(RestoreRequest.unchecked(), src);
        }
        assertEquals(pid, tree.rootPid());
    }

    ExitStatus awaitExit() throws Exception {
        return ChildReaper.get().exitOf(pid).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    void kill() {
        try {
            io.crak.core.jna.Tracer.kill(-pid, 9); // the whole job: it is its own process group
        } catch (Exception e) {
            // gone already
        }
    }
}
