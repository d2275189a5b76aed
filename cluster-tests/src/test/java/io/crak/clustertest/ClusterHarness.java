package io.crak.clustertest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentClient;
import io.crak.agent.AgentProtocol;
import io.crak.core.ChildReaper;
import io.crak.job.JobCgroup;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import io.crak.samples.SampleJobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Agents (separate JVMs started from the built tree with {@code bin/crak agent}) sharing one
 * database and one storage directory, plus the CLI and the checks the scenarios share. The test
 * JVM is a child subreaper (jobs of a killed node are reparented to it and reaped, so their pids
 * become free for a restore elsewhere).
 */
final class ClusterHarness implements AutoCloseable {
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);
    static final Duration POLL = Duration.ofMillis(50);

    final Path dir;
    final Path storage;
    final Map<String, AgentNode> nodes = new LinkedHashMap<>();
    private final Map<List<String>, String> references = new HashMap<>();

    ClusterHarness(Path dir, List<String> names, Map<String, String> settings) throws Exception {
        ChildReaper.get();
        this.dir = dir;
        this.storage = dir.resolve("storage");
        Files.createDirectories(storage);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("crak.storage.root", storage.toString());
        for (String n : names) {
            nodes.put(n, new AgentNode(n, dir, all));
        }
    }

    void startAll() throws Exception {
        for (AgentNode n : nodes.values()) {
            if (!n.running()) {
                n.start();
            }
        }
    }

    AgentNode node(String name) {
        return nodes.get(name);
    }

    /** Any running agent, to talk to (every agent answers for the whole cluster). */
    AgentNode anyUp() {
        return nodes.values().stream().filter(AgentNode::answering).findFirst()
                .orElseThrow(() -> new IllegalStateException("no agent runs"));
    }

    static Path crak() {
        Path d = Path.of("").toAbsolutePath();
        while (d != null) {
            if (Files.isExecutable(d.resolve("bin/crak")) && Files.isRegularFile(d.resolve("scheduler-plugin/target/crak.jar"))) {
                return d.resolve("bin/crak");
            }
            d = d.getParent();
        }
        throw new IllegalStateException("bin/crak with a built scheduler-plugin/target/crak.jar not found above "
                + Path.of("").toAbsolutePath() + ": build with mvn package first");
    }

    /** The command of a sample job with these arguments. */
    static List<String> command(SampleJob job, String... args) {
        List<String> cmd = new ArrayList<>(List.of(SampleJobs.binary(job).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The checksum of an uninterrupted run (computed once per command). */
    String reference(List<String> command) throws Exception {
        String known = references.get(command);
        if (known != null) {
            return known;
        }
        Path out = Files.createTempFile(dir, "reference", ".out");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(false).start();
        if (!p.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("reference run of " + command + " failed");
        }
        String sum = Checksums.read(out);
        references.put(command, sum);
        return sum;
    }

    /** Output of one CLI run. */
    record Cli(int exit, String out, String err) {
    }

    Cli cli(AgentNode via, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(crak().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(AgentClient.SOCKET_ENV, via.socket.toString());
        Path err = Files.createTempFile(dir, "cli", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("crak " + String.join(" ", args) + " did not finish");
        }
        return new Cli(p.exitValue(), out.strip(), Files.readString(err).strip());
    }

    /** {@code crak submit} through the CLI; returns the job id. */
    long submit(String every, List<String> extra, List<String> command) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", "--checkpoint-every", every));
        args.addAll(extra);
        args.add("--");
        args.addAll(command);
        Cli r = cli(anyUp(), args.toArray(String[]::new));
        if (r.exit() != 0) {
            throw new IllegalStateException("crak submit failed (" + r.exit() + "): " + r.err());
        }
        return Long.parseLong(r.out());
    }

    /** {@code crak status JOB} as the agent's JSON answer: the job row, transitions and generations. */
    ObjectNode status(long job) throws IOException {
        ObjectNode req = AgentProtocol.request("status");
        req.put("job", job);
        ObjectNode r = anyUp().client().call(req);
        if (!r.path("ok").asBoolean()) {
            throw new IllegalStateException("status of job " + job + ": " + r.path("error").asText());
        }
        return r;
    }

    static JsonNode row(ObjectNode status) {
        return status.get("jobs").get(0);
    }

    static String state(ObjectNode status) {
        return row(status).get("state").asText();
    }

    /** Polls until the job's status satisfies {@code until}; fails naming the last status seen. */
    ObjectNode await(long job, String what, Predicate<ObjectNode> until, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ObjectNode s = null;
        while (System.nanoTime() < deadline) {
            try {
                s = status(job);
                if (until.test(s)) {
                    return s;
                }
            } catch (IOException e) {
                // the agent asked may be the one being killed; ask another next time
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("job " + job + " not " + what + " within " + timeout + "; last status: "
                + (s == null ? "none" : s.toPrettyString()) + "\nagent logs in " + dir);
    }

    ObjectNode awaitState(long job, String state) throws Exception {
        return await(job, state, s -> state(s).equals(state), JOB_TIMEOUT);
    }

    ObjectNode awaitCompleted(long job) throws Exception {
        return await(job, "COMPLETED", s -> {
            String st = state(s);
            if (st.equals("FAILED") || st.equals("CANCELLED")) {
                throw new AssertionError("job " + job + " ended " + st + ": " + s.toPrettyString());
            }
            return st.equals("COMPLETED");
        }, JOB_TIMEOUT);
    }

    static long generation(ObjectNode s) {
        JsonNode g = row(s).get("generation");
        return g == null || g.isNull() ? 0 : g.asLong();
    }

    static String nodeOf(ObjectNode s) {
        return row(s).get("node").asText();
    }

    static long epoch(ObjectNode s) {
        return row(s).get("epoch").asLong();
    }

    /** The job's final checksum from its stdout file on shared storage. */
    String checksum(long job) throws IOException {
        return Checksums.read(storage.resolve("jobs").resolve("job-" + job).resolve("stdout"));
    }

    /**
     * Asserts that the copy of the job running under {@code status}'s epoch has its own pid
     * namespace (the agents' default): every process of its cgroup has a namespace pid one level
     * below the host's, and its init is pid 1 there. Retried while a checkpoint may hold the
     * processes in the freezer's cgroup.
     */
    static void assertRunsInItsOwnPidNamespace(long job, ObjectNode status) throws Exception {
        JobCgroup cgroup = JobCgroup.named("job-" + job + "-e" + epoch(status));
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            List<String> nspids = new ArrayList<>();
            try {
                for (int pid : cgroup.pids()) {
                    nspids.add(Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                            .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow().substring(6).strip());
                }
                seen = nspids;
                if (nspids.stream().anyMatch(n -> n.matches("\\d+\\s+1"))
                        && nspids.stream().allMatch(n -> n.matches("\\d+\\s+\\d+"))) {
                    return;
                }
            } catch (IOException e) {
                // a process ended meanwhile: look again
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("job " + job + ": not every process of " + cgroup
                + " in a pid namespace of its own with an init of namespace pid 1; NSpids " + seen);
    }

    /** How many times a transition reason of the job contains {@code text}. */
    static long reasonsContaining(ObjectNode s, String text) {
        long n = 0;
        for (JsonNode t : s.get("transitions")) {
            if (t.get("reason").asText().contains(text)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() throws Exception {
        for (AgentNode n : nodes.values()) {
            n.stop();
        }
    }
}
