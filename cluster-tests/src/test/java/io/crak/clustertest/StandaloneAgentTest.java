package io.crak.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.samples.SampleJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default set-up: one agent alone on its embedded H2 file database. Needs no database server,
 * so a fresh machine runs it.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneAgentTest {
    static final List<String> JOB = ClusterHarness.command(SampleJob.MT_COMPUTE, "--steps", "4000", "--threads", "2");
    static final List<String> FOREVER = List.of("/bin/sleep", "1000");

    /** Kept when a test fails: the agents' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static ClusterHarness agent;

    @BeforeAll
    static void start() throws Exception {
        agent = new ClusterHarness(dir, List.of("solo"), Map.of(
                "crak.db.url", "jdbc:h2:file:" + dir.resolve("db/crak"),
                "crak.node.slots", "2",
                "crak.agent.poll", "100ms"));
        agent.startAll();
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    @Order(1)
    void aSubmittedJobRunsToTheRightResult() throws Exception {
        long job = agent.submit("1h", List.of("--name", "plain"), JOB);
        ObjectNode done = agent.awaitCompleted(job);
        assertEquals(agent.reference(JOB), agent.checksum(job));
        ClusterHarness.Cli status = agent.cli(agent.anyUp(), "status");
        assertTrue(status.out().lines().anyMatch(l -> l.startsWith(job + " ") && l.contains("plain") && l.contains("COMPLETED")),
                status.out());
        assertEquals("solo", ClusterHarness.nodeOf(done));
    }

    @Test
    @Order(2)
    void aJobIsCheckpointedAtItsIntervalAndOnDemand() throws Exception {
        long job = agent.submit("1s", List.of("--name", "ckpt"), JOB);
        agent.awaitState(job, "RUNNING");
        ClusterHarness.Cli now = agent.cli(agent.anyUp(), "checkpoint", Long.toString(job));
        assertEquals(0, now.exit(), now.err());
        assertTrue(now.out().matches("job " + job + ": generation \\d+ committed"), now.out());
        ObjectNode done = agent.awaitCompleted(job);
        assertEquals(agent.reference(JOB), agent.checksum(job));
        assertTrue(ClusterHarness.reasonsContaining(done, "interval checkpoint") >= 1, done.toPrettyString());
    }

    @Test
    @Order(3)
    void cancelAndPermissions() throws Exception {
        long job = agent.submit("1h", List.of("--name", "forever"), FOREVER);
        agent.awaitState(job, "RUNNING");
        ClusterHarness.Cli other = agent.cli(agent.anyUp(), "status", "x");
        assertEquals(2, other.exit(), other.err());
        ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                ClusterHarness.crak().toString(), "cancel", Long.toString(job), "--socket", agent.anyUp().socket.toString());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("only its owner or root may cancel it"), out);
        ClusterHarness.Cli cancel = agent.cli(agent.anyUp(), "cancel", Long.toString(job));
        assertEquals(0, cancel.exit(), cancel.err());
        agent.awaitState(job, "CANCELLED");
    }

    @Test
    @Order(4)
    void jobsOfAKilledAgentRestartWhenItComesBack() throws Exception {
        long job = agent.submit("1h", List.of("--name", "phoenix"), JOB);
        agent.awaitState(job, "RUNNING");
        agent.node("solo").kill();
        agent.node("solo").start();
        ObjectNode done = agent.awaitCompleted(job);
        assertEquals(agent.reference(JOB), agent.checksum(job));
        assertTrue(ClusterHarness.reasonsContaining(done, "restarted") >= 1, done.toPrettyString());
    }
}
