package io.crak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.cluster.Database;
import io.crak.cluster.JobRequest;
import io.crak.cluster.JobState;
import io.crak.cluster.JobTable;
import io.crak.cluster.NodeState;
import io.crak.cluster.NodeTable;
import io.crak.cluster.Placement;
import io.crak.cluster.Schema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's operations against a real H2 database: permissions, states, validation. */
class AgentRequestsTest {
    static final UserAccount ALICE = new UserAccount("alice", 1000, 1000);
    static final UserAccount BOB = new UserAccount("bob", 1001, 1001);

    @TempDir
    Path dir;
    Database db;
    JobTable jobs;
    NodeTable nodes;
    AgentRequests requests;

    @BeforeEach
    void open() throws Exception {
        db = new Database("jdbc:h2:file:" + dir.resolve("crak"), "crak", "", 4);
        Schema.ensure(db);
        jobs = new JobTable(db, Clock.systemUTC());
        nodes = new NodeTable(db, Clock.systemUTC());
        Properties p = new Properties();
        p.setProperty("crak.storage.root", dir.resolve("storage").toString());
        requests = new AgentRequests(AgentConfig.from(p, "test"), jobs, nodes, new Placement(jobs, nodes), null);
        nodes.register("a", 1);
        nodes.register("b", 1);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private ObjectNode call(UserAccount who, String op, Map<String, Object> fields) {
        ObjectNode r = AgentProtocol.request(op);
        fields.forEach((k, v) -> r.putPOJO(k, v));
        return requests.handle((ObjectNode) AgentProtocol.JSON.valueToTree(r), who);
    }

    private long submit(UserAccount who) {
        ObjectNode req = AgentProtocol.request("submit");
        req.put("checkpointEvery", "10s");
        req.put("cwd", "/");
        req.putArray("command").add("/bin/true");
        ObjectNode r = requests.handle(req, who);
        assertTrue(r.get("ok").asBoolean(), r.toString());
        return r.get("id").asLong();
    }

    private void running(long id) throws Exception {
        var j = jobs.find(id).orElseThrow();
        assertTrue(jobs.transition(id, JobState.ON_NODE, j.epoch(), JobState.RUNNING, false, Map.of(), "up"));
    }

    @Test
    void onlyTheOwnerOrRootActOnAJob() throws Exception {
        long id = submit(ALICE);
        running(id);
        ObjectNode r = call(BOB, "preempt", Map.of("job", id));
        assertFalse(r.get("ok").asBoolean());
        assertEquals(1, r.get("exit").asInt());
        assertTrue(r.get("error").asText().contains("belongs to alice"), r.toString());
        assertTrue(call(BOB, "cancel", Map.of("job", id)).get("error").asText().contains("only its owner or root"));
        assertTrue(call(ALICE, "preempt", Map.of("job", id)).get("ok").asBoolean());
        assertEquals(JobRequest.PREEMPT, jobs.find(id).orElseThrow().request().orElseThrow());
        ObjectNode again = call(UserAccount.ROOT, "migrate", Map.of("job", id, "node", "b"));
        assertTrue(again.get("error").asText().contains("already has a pending preempt"), again.toString());
        assertTrue(call(UserAccount.ROOT, "cancel", Map.of("job", id)).get("ok").asBoolean(), "cancel wins over anything");
        assertEquals(JobRequest.CANCEL, jobs.find(id).orElseThrow().request().orElseThrow());
    }

    @Test
    void aWaitingJobIsCancelledAtOnceAndRequeuedByItsOwner() throws Exception {
        long first = submit(ALICE);
        long second = submit(ALICE); // no free slot: PENDING
        long third = submit(ALICE);
        assertEquals(JobState.PENDING, jobs.find(third).orElseThrow().state());
        assertTrue(call(ALICE, "cancel", Map.of("job", third)).get("ok").asBoolean());
        assertEquals(JobState.CANCELLED, jobs.find(third).orElseThrow().state());
        ObjectNode bad = call(ALICE, "requeue", Map.of("job", third, "generation", 7));
        assertEquals(2, bad.get("exit").asInt(), bad.toString());
        assertTrue(call(ALICE, "requeue", Map.of("job", third, "node", "b")).get("ok").asBoolean());
        var j = jobs.find(third).orElseThrow();
        assertEquals(JobState.REQUEUED, j.state());
        assertEquals("b", j.targetNode().orElseThrow());
        assertTrue(first != second);
    }

    @Test
    void drainingIsForRootAndMarksEveryJobForMigration() throws Exception {
        long id = submit(ALICE);
        running(id);
        String node = jobs.find(id).orElseThrow().node().orElseThrow();
        assertTrue(call(ALICE, "drain", Map.of("node", node)).get("error").asText().contains("only root"));
        ObjectNode r = call(UserAccount.ROOT, "drain", Map.of("node", node));
        assertTrue(r.get("ok").asBoolean(), r.toString());
        assertEquals(id, r.get("jobs").get(0).asLong());
        assertEquals(NodeState.DRAINING, nodes.find(node).orElseThrow().state());
        assertEquals(JobRequest.MIGRATE, jobs.find(id).orElseThrow().request().orElseThrow());
    }

    @Test
    void badRequestsAreUsageErrors() {
        assertEquals(2, call(ALICE, "frobnicate", Map.of()).get("exit").asInt());
        assertEquals(2, call(ALICE, "cancel", Map.of("job", "x")).get("exit").asInt());
        ObjectNode tooWide = AgentProtocol.request("submit");
        tooWide.put("checkpointEvery", "10s");
        tooWide.put("cwd", "/");
        tooWide.put("slots", 5);
        tooWide.putArray("command").add("/bin/true");
        ObjectNode r = requests.handle(tooWide, ALICE);
        assertTrue(r.get("error").asText().contains("largest node has 1"), r.toString());
        ObjectNode tooOften = AgentProtocol.request("submit");
        tooOften.put("checkpointEvery", "100ms");
        tooOften.put("cwd", "/");
        tooOften.putArray("command").add("/bin/true");
        assertTrue(requests.handle(tooOften, ALICE).get("error").asText().contains("crak.checkpoint.minInterval"));
    }
}
