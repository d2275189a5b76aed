package io.crak.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.samples.SampleJob;
import io.crak.storage.CheckpointRepository;
import io.crak.storage.StorageConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster scenarios of issue 6 on one machine: a real PostgreSQL started here, three agents
 * n1..n3 (separate JVMs, one slot each) sharing it and one storage directory, real sample jobs.
 * Every scenario compares the job's final checksum with an uninterrupted run's.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScenariosTest {
    /** Scenario 8's repetitions (-Dcrak.soak.runs=N for more). */
    static final int SOAK_RUNS = Integer.getInteger("crak.soak.runs", 10);
    static final List<String> COMPUTE = ClusterHarness.command(SampleJob.MT_COMPUTE, "--steps", "7000", "--threads", "2");
    /** Long enough to still run when the cluster is full and the urgent job arrives. */
    static final List<String> LONG = ClusterHarness.command(SampleJob.MT_COMPUTE, "--steps", "12000", "--threads", "2");
    static final List<String> SHORT = ClusterHarness.command(SampleJob.MT_COMPUTE, "--steps", "4000", "--threads", "2");
    static final List<String> MEMORY = ClusterHarness.command(SampleJob.MEMHOG, "--mib", "96", "--passes", "50",
            "--untouched-mib", "0");

    /** Kept when a test fails: the agents' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    static Postgres postgres;
    static ClusterHarness cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = Postgres.start();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("crak.db.url", postgres.url());
        s.put("crak.db.user", Postgres.USER);
        s.put("crak.db.pool", "6");
        s.put("crak.node.slots", "1");
        s.put("crak.agent.poll", "100ms");
        s.put("crak.cluster.checkinInterval", "1s");
        s.put("crak.cluster.failureGrace", "2s");
        s.put("crak.balance.interval", "1s");
        s.put("crak.balance.minRunTime", "1s");
        s.put("crak.recovery.retryDelay", "1s");
        s.put("crak.recovery.startTimeout", "20s");
        cluster = new ClusterHarness(dir, List.of("n1", "n2", "n3"), s);
        cluster.startAll();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @BeforeEach
    void everyNodeUp() throws Exception {
        cluster.startAll();
    }

    private static long accepted(ObjectNode s) {
        return s.get("generations").size();
    }

    @Test
    @Order(1)
    void aJobRunsToCompletionThroughSeveralCheckpoints() throws Exception {
        long job = cluster.submit("1s", List.of("--name", "through"), COMPUTE);
        ObjectNode done = cluster.awaitCompleted(job);
        assertEquals(cluster.reference(COMPUTE), cluster.checksum(job));
        assertTrue(ClusterHarness.reasonsContaining(done, "committed") >= 2, "several checkpoints: " + done.toPrettyString());
        assertEquals(0, ClusterHarness.reasonsContaining(done, "checkpoint failed"), done.toPrettyString());
    }

    @Test
    @Order(2)
    void aKilledNodesJobFinishesOnAnotherNode() throws Exception {
        long job = cluster.submit("1s", List.of("--name", "survivor"), COMPUTE);
        ObjectNode s = cluster.await(job, "checkpointed", x -> ClusterHarness.generation(x) >= 1, ClusterHarness.JOB_TIMEOUT);
        String victim = ClusterHarness.nodeOf(s);
        ClusterHarness.assertRunsInItsOwnPidNamespace(job, s);
        long killedAt = System.nanoTime();
        cluster.node(victim).kill();
        ObjectNode again = cluster.await(job, "running elsewhere", x -> ClusterHarness.state(x).equals("RUNNING")
                && !ClusterHarness.nodeOf(x).equals(victim), ClusterHarness.JOB_TIMEOUT);
        ClusterHarness.assertRunsInItsOwnPidNamespace(job, again); // restored into a new pid namespace
        System.out.printf("scenario 2: node %s killed; job %d running again on %s after %d ms%n", victim, job,
                ClusterHarness.nodeOf(again), (System.nanoTime() - killedAt) / 1_000_000);
        cluster.awaitCompleted(job);
        assertEquals(cluster.reference(COMPUTE), cluster.checksum(job));
        assertTrue(ClusterHarness.reasonsContaining(cluster.status(job), "restored from generation") >= 1);
    }

    @Test
    @Order(3)
    void aNodeDyingDuringACheckpointLeavesThePreviousGeneration() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            long job = cluster.submit("1s", List.of("--name", "torn"), MEMORY);
            ObjectNode s = cluster.await(job, "checkpointing after a first generation", x -> ClusterHarness.generation(x) >= 1
                    && ClusterHarness.state(x).equals("CHECKPOINTING") || ClusterHarness.state(x).equals("COMPLETED"),
                    ClusterHarness.JOB_TIMEOUT);
            if (ClusterHarness.state(s).equals("COMPLETED")) {
                continue; // never caught in a checkpoint; try again
            }
            long previous = ClusterHarness.generation(s);
            String victim = ClusterHarness.nodeOf(s);
            cluster.node(victim).kill();
            ObjectNode after = cluster.await(job, "restored", x -> ClusterHarness.reasonsContaining(x, "restored from generation") >= 1,
                    ClusterHarness.JOB_TIMEOUT);
            assertEquals(1, ClusterHarness.reasonsContaining(after, "restored from generation " + previous + " "),
                    "the generation before the torn one is used: " + after.toPrettyString());
            cluster.awaitCompleted(job);
            assertEquals(cluster.reference(MEMORY), cluster.checksum(job));
            assertStorageConsistent(job);
            return;
        }
        throw new AssertionError("no checkpoint was caught in progress in 5 attempts");
    }

    @Test
    @Order(4)
    void anAdminRequeuesAFailedJobFromAChosenGeneration() throws Exception {
        long job = cluster.submit("1s", List.of("--name", "never", "--requeue", "never"), COMPUTE);
        ObjectNode s = cluster.await(job, "2 generations", x -> accepted(x) >= 2, ClusterHarness.JOB_TIMEOUT);
        cluster.node(ClusterHarness.nodeOf(s)).kill();
        ObjectNode failed = cluster.awaitState(job, "FAILED");
        List<Long> gens = new ArrayList<>();
        failed.get("generations").forEach(g -> gens.add(g.get("generation").asLong()));
        long chosen = gens.get(gens.size() - 1); // the oldest kept one, not the latest
        assertNotEquals(ClusterHarness.generation(failed), chosen);
        ClusterHarness.Cli r = cluster.cli(cluster.anyUp(), "requeue", Long.toString(job), "--generation", Long.toString(chosen));
        assertEquals(0, r.exit(), r.err());
        ObjectNode done = cluster.awaitCompleted(job);
        assertEquals(1, ClusterHarness.reasonsContaining(done, "restored from generation " + chosen + " "), done.toPrettyString());
        assertEquals(cluster.reference(COMPUTE), cluster.checksum(job));
    }

    @Test
    @Order(5)
    void aHigherPriorityJobPreemptsOnAFullClusterAndThePreemptedOneCompletes() throws Exception {
        List<Long> low = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            low.add(cluster.submit("1s", List.of("--name", "low" + i, "--priority", "0"), LONG));
        }
        for (long j : low) {
            cluster.await(j, "on a node", x -> List.of("RUNNING", "CHECKPOINTING").contains(ClusterHarness.state(x)),
                    ClusterHarness.JOB_TIMEOUT);
        }
        long high = cluster.submit("1s", List.of("--name", "high", "--priority", "10"), SHORT);
        cluster.awaitCompleted(high);
        assertEquals(cluster.reference(SHORT), cluster.checksum(high));
        long preempted = 0;
        for (long j : low) {
            ObjectNode done = cluster.awaitCompleted(j);
            assertEquals(cluster.reference(LONG), cluster.checksum(j));
            for (JsonNode t : done.get("transitions")) {
                if (t.get("to").asText().equals("PREEMPTED")) {
                    preempted++;
                }
            }
        }
        assertTrue(preempted >= 1, "a low-priority job was preempted");
    }

    @Test
    @Order(6)
    void migrationAndDrain() throws Exception {
        long job = cluster.submit("1s", List.of("--name", "mover"), COMPUTE);
        ObjectNode s = cluster.await(job, "checkpointed", x -> ClusterHarness.generation(x) >= 1, ClusterHarness.JOB_TIMEOUT);
        String from = ClusterHarness.nodeOf(s);
        String to = cluster.nodes.keySet().stream().filter(n -> !n.equals(from)).findFirst().orElseThrow();
        ClusterHarness.Cli r = cluster.cli(cluster.anyUp(), "migrate", Long.toString(job), "--node", to);
        assertEquals(0, r.exit(), r.err());
        cluster.await(job, "running on " + to, x -> ClusterHarness.state(x).equals("RUNNING") && ClusterHarness.nodeOf(x).equals(to),
                ClusterHarness.JOB_TIMEOUT);
        r = cluster.cli(cluster.anyUp(), "drain", to);
        assertEquals(0, r.exit(), r.err());
        cluster.await(job, "drained off " + to, x -> ClusterHarness.state(x).equals("RUNNING")
                && !ClusterHarness.nodeOf(x).equals(to) || ClusterHarness.state(x).equals("COMPLETED"), ClusterHarness.JOB_TIMEOUT);
        ObjectNode done = cluster.awaitCompleted(job);
        assertEquals(cluster.reference(COMPUTE), cluster.checksum(job));
        assertTrue(ClusterHarness.reasonsContaining(done, "migrating to " + to) >= 1, done.toPrettyString());
        ClusterHarness.Cli nodes = cluster.cli(cluster.anyUp(), "nodes");
        assertTrue(nodes.out().lines().anyMatch(l -> l.startsWith(to + " ") && l.contains("DRAINING")), nodes.out());
        cluster.node(to).stop(); // restarted UP by the next scenario
    }

    @Test
    @Order(7)
    void aStaleNodeComingBackNeitherRunsNorCorruptsTheJob() throws Exception {
        long job = cluster.submit("1s", List.of("--name", "stale"), COMPUTE);
        ObjectNode s = cluster.await(job, "checkpointed", x -> ClusterHarness.generation(x) >= 1
                && ClusterHarness.state(x).equals("RUNNING"), ClusterHarness.JOB_TIMEOUT);
        AgentNode stale = cluster.node(ClusterHarness.nodeOf(s));
        long oldEpoch = ClusterHarness.epoch(s);
        List<ProcessHandle> staleCopy = stale.freeze();
        assertFalse(staleCopy.isEmpty());
        cluster.await(job, "taken from the frozen node", x -> ClusterHarness.epoch(x) > oldEpoch, ClusterHarness.JOB_TIMEOUT);
        stale.thawAgent();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ProcessHandle h : staleCopy) {
            while (h.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // the restored copy elsewhere may have the same pid: the handle tells them apart
            assertFalse(h.isAlive(), "stale copy pid " + h.pid() + " was killed");
        }
        ObjectNode done = cluster.awaitCompleted(job);
        assertEquals(cluster.reference(COMPUTE), cluster.checksum(job));
        assertEquals(1, ClusterHarness.reasonsContaining(done, "exited with code 0"), "the job ended exactly once");
        for (JsonNode g : done.get("generations")) {
            assertTrue(g.get("epoch").asLong() != oldEpoch || g.get("at").asLong() <= s.get("generations").get(0).get("at").asLong(),
                    "no generation recorded by the stale node after it lost the job: " + g);
        }
        assertStorageConsistent(job);
        assertTrue(java.nio.file.Files.readString(stale.log).contains("presumed dead"), "the stale node noticed");
    }

    @Test
    @Order(8)
    void soakKillingNodesAtRandomMoments() throws Exception {
        Random random = new Random(Long.getLong("crak.soak.seed", 6));
        for (int run = 1; run <= SOAK_RUNS; run++) {
            cluster.startAll();
            long job = cluster.submit("1s", List.of("--name", "soak" + run), SHORT);
            ObjectNode s = cluster.awaitState(job, "RUNNING");
            Thread.sleep(random.nextInt(3000));
            s = cluster.status(job);
            if (!ClusterHarness.state(s).equals("COMPLETED") && !ClusterHarness.nodeOf(s).isEmpty()) {
                String victim = ClusterHarness.nodeOf(s);
                long killedAt = System.nanoTime();
                cluster.node(victim).kill();
                ObjectNode again = cluster.await(job, "running again", x -> ClusterHarness.state(x).equals("COMPLETED")
                        || ClusterHarness.state(x).equals("RUNNING") && !ClusterHarness.nodeOf(x).equals(victim),
                        ClusterHarness.JOB_TIMEOUT);
                System.out.printf("soak %d: killed %s in state %s at generation %d; running again after %d ms%n", run, victim,
                        ClusterHarness.state(s), ClusterHarness.generation(s), (System.nanoTime() - killedAt) / 1_000_000);
            }
            cluster.awaitCompleted(job);
            assertEquals(cluster.reference(SHORT), cluster.checksum(job), "soak run " + run);
        }
    }

    /** Every generation on storage verifies (nothing torn or half-written was published). */
    private void assertStorageConsistent(long job) throws Exception {
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(cluster.storage.resolve("checkpoints")));
        for (long g : repo.generations("job-" + job)) {
            assertTrue(repo.verify("job-" + job, g).ok(), "generation " + g + " of job " + job + " verifies");
        }
    }
}
