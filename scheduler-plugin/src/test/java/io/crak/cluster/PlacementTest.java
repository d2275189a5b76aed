package io.crak.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementTest {
    @TempDir
    Path dir;
    ControllerDatabase c;

    @BeforeEach
    void open() throws Exception {
        c = new ControllerDatabase(dir);
    }

    @AfterEach
    void close() {
        c.close();
    }

    @Test
    void placesOnTheNodeWithMostFreeSlotsAndWaitsWhenFull() throws Exception {
        c.nodes.register("a", 1);
        c.nodes.register("b", 2);
        long j1 = c.submit("one", 1, 0, RequeuePolicy.AUTO);
        long j2 = c.submit("two", 1, 0, RequeuePolicy.AUTO);
        long j3 = c.submit("three", 1, 0, RequeuePolicy.AUTO);
        long j4 = c.submit("four", 1, 0, RequeuePolicy.AUTO);
        List<Placement.Decision> d = c.placement.placeWaiting();
        assertEquals(3, d.size());
        assertEquals("b", c.job(j1).node().orElseThrow());
        assertEquals(JobState.STARTING, c.job(j1).state());
        assertEquals(1, c.job(j1).epoch(), "placement gives the job a new epoch");
        assertEquals(JobState.PENDING, c.job(j4).state(), "no slot left for the fourth job");
        assertEquals(List.of(), c.placement.placeWaiting());
        assertTrue(c.jobs.transition(j2, JobState.ON_NODE, c.job(j2).epoch(), JobState.COMPLETED, false, Map.of(), "done"));
        assertEquals(List.of(new Placement.Decision(j4, c.job(j2).node().orElseThrow())), c.placement.placeWaiting());
        assertTrue(c.job(j3).state().onNode());
    }

    @Test
    void higherPriorityIsPlacedFirstAndMultiSlotJobsNeedRoom() throws Exception {
        c.nodes.register("a", 2);
        long low = c.submit("low", 1, 0, RequeuePolicy.AUTO);
        long wide = c.submit("wide", 2, 0, RequeuePolicy.AUTO);
        long high = c.submit("high", 1, 5, RequeuePolicy.AUTO);
        c.placement.placeWaiting();
        assertEquals(JobState.STARTING, c.job(high).state());
        assertEquals(JobState.PENDING, c.job(wide).state(), "2 slots do not fit into the 1 left");
        assertEquals(JobState.STARTING, c.job(low).state(), "smaller jobs fill the slot left");
    }

    @Test
    void drainingAndDeadNodesTakeNothingAndTargetsAreHonoured() throws Exception {
        long inc = c.nodes.register("a", 4);
        c.nodes.register("b", 1);
        c.nodes.setState("a", inc, NodeState.DRAINING);
        long j = c.submit("j", 1, 0, RequeuePolicy.AUTO);
        long k = c.submit("k", 1, 0, RequeuePolicy.AUTO);
        c.placement.placeWaiting();
        assertEquals("b", c.job(j).node().orElseThrow());
        assertEquals(JobState.PENDING, c.job(k).state());
        assertTrue(c.jobs.update(k, JobState.WAITING, null, Map.of("TARGET_NODE", "a")));
        c.nodes.register("a", 4); // the agent restarted: UP again
        c.placement.placeWaiting();
        assertEquals("a", c.job(k).node().orElseThrow());
    }

    @Test
    void aStaleEpochChangesNothing() throws Exception {
        c.nodes.register("a", 1);
        long j = c.submit("j", 1, 0, RequeuePolicy.AUTO);
        c.placement.placeWaiting();
        long e = c.job(j).epoch();
        assertTrue(c.jobs.transition(j, JobState.ON_NODE, e, JobState.RUNNING, false, Map.of(), "up"));
        assertTrue(c.jobs.acceptGeneration(j, e, 1, "a"));
        assertFalse(c.jobs.acceptGeneration(j, e, 2, "b"), "another node cannot record a generation");
        assertFalse(c.jobs.transition(j, JobState.ON_NODE, e - 1, JobState.COMPLETED, false, Map.of(), "stale"));
        assertFalse(c.jobs.acceptGeneration(j, e - 1, 2, "a"));
        assertEquals(1L, c.job(j).generation().orElseThrow());
        assertEquals(JobState.RUNNING, c.job(j).state());
        List<Transition> t = c.jobs.transitions(j);
        assertEquals(List.of(JobState.PENDING, JobState.STARTING, JobState.RUNNING), t.stream().map(Transition::to).toList());
    }

    @Test
    void aDeadNodesJobsAreRequeuedOrFailedAndFenced() throws Exception {
        long incA = c.nodes.register("a", 2);
        long auto = c.submit("auto", 1, 0, RequeuePolicy.AUTO);
        long never = c.submit("never", 1, 0, RequeuePolicy.NEVER);
        c.placement.placeWaiting();
        long e = c.job(auto).epoch();
        List<Long> hit = c.recovery.nodeDied("a", incA, "missed its check-ins");
        assertEquals(List.of(auto, never), hit);
        assertEquals(JobState.REQUEUED, c.job(auto).state());
        assertEquals(e + 1, c.job(auto).epoch());
        assertTrue(c.job(auto).node().isEmpty());
        assertEquals(JobState.FAILED, c.job(never).state());
        assertEquals(NodeState.DEAD, c.nodes.find("a").orElseThrow().state());
        assertTrue(c.job(never).reason().contains("--requeue never"), c.job(never).reason());
        assertEquals(List.of(), c.placement.placeWaiting(), "no live node to restart on");
        c.nodes.register("b", 1);
        assertEquals(List.of(new Placement.Decision(auto, "b")), c.placement.placeWaiting());
    }

    @Test
    void aRestartedAgentEndsItsPreviousLifeOnly() throws Exception {
        c.nodes.register("a", 2);
        long old = c.submit("old", 1, 0, RequeuePolicy.AUTO);
        c.placement.placeWaiting();
        long inc2 = c.nodes.register("a", 2);
        long fresh = c.submit("fresh", 1, 0, RequeuePolicy.AUTO);
        assertEquals(List.of(old), c.recovery.previousLivesEnded("a", inc2));
        c.placement.placeWaiting();
        assertEquals(inc2, c.job(fresh).nodeIncarnation());
        assertEquals(List.of(), c.recovery.previousLivesEnded("a", inc2));
        assertFalse(c.nodes.setState("a", inc2 - 1, NodeState.DEAD), "an old life's death does not kill the new one");
        assertEquals(NodeState.UP, c.nodes.find("a").orElseThrow().state());
    }
}
