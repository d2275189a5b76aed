package io.crak.clustertest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.agent.AgentClient;
import io.crak.agent.AgentProtocol;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One node: a {@code bin/crak agent} JVM of its own, with its own socket and log. "Killing the
 * node" SIGKILLs the agent and every process below it (its jobs) at the same moment.
 */
final class AgentNode {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    final String name;
    final Path socket;
    final Path config;
    final Path log;
    /** How long the harness waits for an agent's answer (a frozen agent never answers). */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private Process process;
    private volatile boolean frozen;

    AgentNode(String name, Path dir, Map<String, String> settings) throws IOException {
        this.name = name;
        this.socket = dir.resolve(name + ".sock");
        this.config = dir.resolve(name + ".properties");
        this.log = dir.resolve(name + ".log");
        StringBuilder sb = new StringBuilder("crak.node.name=" + name + "\ncrak.agent.socket=" + socket + "\n");
        settings.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, sb.toString());
    }

    AgentClient client() {
        return new AgentClient(socket, ANSWER_TIMEOUT);
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** Running and not frozen: it answers. */
    boolean answering() {
        return running() && !frozen;
    }

    long pid() {
        return process.pid();
    }

    /** Starts the agent and waits until it answers on its socket. */
    void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ClusterHarness.crak().toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
        pb.environment().put("CRAK_JAVA_OPTS", "-Xmx192m");
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent " + name + " exited with " + process.exitValue() + " at start; see " + log);
            }
            try {
                ObjectNode r = client().call(AgentProtocol.request("nodes"));
                if (r.path("ok").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("agent " + name + " did not answer within " + START_TIMEOUT + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Every process of this node: the agent and all its descendants (jobs, restored trees). */
    List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        if (process != null && process.isAlive()) {
            all.add(process.toHandle());
            process.toHandle().descendants().forEach(all::add);
        }
        return all;
    }

    /** The node dies: SIGKILL to the agent and all its processes at once. Returns the pids killed. */
    List<ProcessHandle> kill() throws InterruptedException {
        List<ProcessHandle> pids = processes();
        Signals.send("KILL", pids);
        awaitGone(pids);
        return pids;
    }

    /**
     * Freezes the whole node (agent and jobs) as a hung or partitioned node would be. Returns the
     * handles of its job processes (a handle tells its process from a later one given the same pid).
     */
    List<ProcessHandle> freeze() {
        List<ProcessHandle> pids = processes();
        List<ProcessHandle> jobs = new ArrayList<>(pids.subList(1, pids.size()));
        frozen = true;
        Signals.send("STOP", pids);
        return jobs;
    }

    /** Lets only the agent run again; its job processes stay stopped until it deals with them. */
    void thawAgent() {
        Signals.send("CONT", List.of(process.toHandle()));
        frozen = false;
    }

    /** A clean leave (SIGTERM); SIGKILL if it does not go within the timeout. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> pids = processes();
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            Signals.send("KILL", pids);
        }
        awaitGone(pids);
    }

    static void awaitGone(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle h : processes) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }
}
