package io.crak.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A sample job started by a test, stdout to a file, stderr captured; never outlives the test. */
final class JobProcess implements AutoCloseable {
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    /** Time a job gets to reap its killed workers and exit before it is killed too. */
    static final Duration REAP_GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private JobProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts command; append opens stdout with O_APPEND (as a restored job's output may be). */
    static JobProcess start(List<String> command, Path stdout, boolean append) throws IOException {
        Path stderr = stdout.resolveSibling(stdout.getFileName() + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(stdout.toFile())
                        : ProcessBuilder.Redirect.to(stdout.toFile()))
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        return new JobProcess(pb.start(), stdout, stderr);
    }

    /** Runs command to completion. */
    static JobProcess run(List<String> command, Path stdout, boolean append) throws IOException, InterruptedException {
        JobProcess job = start(command, stdout, append);
        job.await();
        return job;
    }

    void await() throws InterruptedException {
        if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            close();
            throw new AssertionError(String.join(" ", process.info().commandLine().orElse("job"))
                    + " did not finish within " + RUN_TIMEOUT);
        }
    }

    Process process() {
        return process;
    }

    int exitCode() {
        return process.exitValue();
    }

    Path stdout() {
        return stdout;
    }

    String stdoutText() throws IOException {
        return Files.readString(stdout, StandardCharsets.ISO_8859_1);
    }

    String stderrText() throws IOException {
        return Files.readString(stderr, StandardCharsets.ISO_8859_1);
    }

    String checksum() throws IOException {
        return Checksums.read(stdout);
    }

    /**
     * Kills what is left, each by pid: the job's descendants first, while the job is still alive
     * to notice and reap them (nothing else would: PID 1 here never reaps orphans), then, if it
     * has not exited by itself, the job, which the JDK reaps.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            if (descendants.isEmpty() || !process.waitFor(REAP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(REAP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
