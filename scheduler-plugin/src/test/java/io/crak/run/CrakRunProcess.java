package io.crak.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.Reader;

/**
 * {@code crak run} started as its own JVM, like bin/crak does (the test class path instead of
 * target/crak.jar, which does not exist yet when tests run), with stdout and stderr in files.
 */
final class CrakRunProcess implements AutoCloseable {
    static final Duration LINE_TIMEOUT = Duration.ofSeconds(60);
    private final Process process;
    private final Path stderr;

    private CrakRunProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    static CrakRunProcess start(Path stdout, Path stderr, List<String> runArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.crak.cli.Main", "run"));
        cmd.addAll(runArgs);
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.to(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new CrakRunProcess(p, stderr);
    }

    Process process() {
        return process;
    }

    String stderrText() throws IOException {
        return Files.readString(stderr);
    }

    /** Waits for a stderr line matching {@code regex} after the {@code skip} first matches. */
    Matcher awaitLine(String regex, int skip) throws IOException, InterruptedException {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + LINE_TIMEOUT.toNanos();
        while (true) {
            int seen = 0;
            for (String line : Files.readAllLines(stderr)) {
                Matcher m = p.matcher(line);
                if (m.find() && seen++ == skip) {
                    return m;
                }
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no line /" + regex + "/ #" + (skip + 1) + " from crak run"
                        + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + ":\n" + stderrText());
            }
            Thread.sleep(20);
        }
    }

    int count(String regex) throws IOException {
        Pattern p = Pattern.compile(regex);
        return (int) Files.readAllLines(stderr).stream().filter(l -> p.matcher(l).find()).count();
    }

    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("crak run did not end within " + timeout + ":\n" + stderrText());
        }
        return process.exitValue();
    }

    /** SIGKILLs crak run's JVM (not its job) and waits until it is gone. */
    void killJvm() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            killJvm();
        }
    }

    /** The pids in a job's cgroup, found from the job record crak run wrote. */
    static List<Integer> jobPids(Path storage, String job) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(storage.resolve(job).resolve(JobRecord.FILE))) {
            p.load(r);
        }
        return io.crak.job.JobCgroup.named(p.getProperty("cgroup")).pids();
    }

    /** Ends and removes the cgroups of every job on a test's storage root (failed tests leave some). */
    static void removeJobCgroups(Path storage) throws IOException {
        if (!Files.isDirectory(storage)) {
            return;
        }
        try (var jobs = Files.list(storage)) {
            for (Path job : jobs.filter(d -> Files.exists(d.resolve(JobRecord.FILE))).toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(job.resolve(JobRecord.FILE))) {
                    p.load(r);
                }
                io.crak.job.JobCgroup.named(p.getProperty("cgroup")).killAndRemove(Duration.ofSeconds(10));
            }
        }
    }

    /** SIGKILLs every process of the job, by pid, as a node failure or the OOM killer would. */
    static List<Integer> killJob(Path storage, String job) throws IOException {
        List<Integer> pids = jobPids(storage, job);
        for (int pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        return pids;
    }
}
