package io.crak.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BalancePolicyTest {
    static final Duration MIN_RUN = Duration.ofSeconds(10);
    @TempDir
    Path dir;
    ControllerDatabase c;
    BalancePolicy policy;

    @BeforeEach
    void open() throws Exception {
        c = new ControllerDatabase(dir);
        policy = new BalancePolicy(c.jobs, c.placement, new BalancePolicy.Knobs(true, 2, true, MIN_RUN), c.clock);
    }

    @AfterEach
    void close() {
        c.close();
    }

    private long running(int priority) throws Exception {
        long id = c.submit("p" + priority, 1, priority, RequeuePolicy.AUTO);
        c.placement.placeWaiting();
        JobRecord j = c.job(id);
        assertTrue(c.jobs.transition(id, JobState.ON_NODE, j.epoch(), JobState.RUNNING, false,
                Map.of("STARTED_AT", c.clock.millis()), "up"));
        return id;
    }

    @Test
    void preemptsTheLowestPriorityJobOnlyForAHighEnoughWaitingJobAfterItSettled() throws Exception {
        c.nodes.register("a", 2);
        long p1 = running(1);
        long p3 = running(3);
        long waiting = c.submit("urgent", 1, 3, RequeuePolicy.AUTO);
        c.placement.placeWaiting();
        c.clock.advance(MIN_RUN.plusSeconds(1));
        Optional<BalancePolicy.Move> m = policy.round();
        assertEquals(p1, m.orElseThrow().jobId(), "priority 1 is at least the gap of 2 below 3");
        assertEquals(JobRequest.PREEMPT, m.get().request());
        assertEquals(JobRequest.PREEMPT, c.job(p1).request().orElseThrow());
        assertEquals(Optional.empty(), policy.round(), "one move in flight at a time");
        assertTrue(c.job(p3).request().isEmpty());
        assertEquals(JobState.PENDING, c.job(waiting).state());
    }

    @Test
    void doesNotPreemptWithinTheGapOrBeforeTheMinimumRunTime() throws Exception {
        c.nodes.register("a", 1);
        running(2);
        c.submit("slightly-higher", 1, 3, RequeuePolicy.AUTO);
        c.clock.advance(MIN_RUN.plusSeconds(1));
        assertEquals(Optional.empty(), policy.round(), "3 is less than the gap 2 above 2");
        c.submit("much-higher", 1, 9, RequeuePolicy.AUTO);
        c.clock.advance(Duration.ofSeconds(-MIN_RUN.toSeconds()));
        assertEquals(Optional.empty(), policy.round(), "the running job has not run long enough");
        c.clock.advance(MIN_RUN.plusSeconds(1));
        assertEquals(JobRequest.PREEMPT, policy.round().orElseThrow().request());
    }

    @Test
    void movesWorkToAnIdleNode() throws Exception {
        c.nodes.register("a", 2);
        long first = running(0);
        long second = running(0);
        c.nodes.register("b", 2);
        c.clock.advance(MIN_RUN.plusSeconds(1));
        BalancePolicy.Move m = policy.round().orElseThrow();
        assertEquals(JobRequest.MIGRATE, m.request());
        assertEquals(Optional.of("b"), m.toNode());
        assertEquals(Math.min(first, second), m.jobId());
        assertEquals("b", c.job(m.jobId()).requestNode().orElseThrow());
    }
}
