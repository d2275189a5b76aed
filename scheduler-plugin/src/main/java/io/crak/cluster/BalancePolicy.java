package io.crak.cluster;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load-balancing policy run by {@code LoadBalancePlugin}:
 * <ul>
 * <li>preemption: when the most urgent waiting job fits nowhere, the lowest-priority running job
 *     whose priority is at least {@code priorityGap} below it, and whose slots would make room, is
 *     asked to PREEMPT (checkpoint, stop, wait);</li>
 * <li>idle nodes: when a node runs nothing while another runs at least two jobs more, one job of
 *     the busier node is asked to MIGRATE to it.</li>
 * </ul>
 * A job is only moved after running {@code minRunTime} since it (re)started, and only one move
 * is in flight at a time, so the policy never thrashes.
 */
public final class BalancePolicy {
    /** Documented knobs; see docs/controller.md. */
    public record Knobs(boolean preemption, int priorityGap, boolean moveToIdle, Duration minRunTime) {
        public Knobs {
            if (priorityGap < 1) {
                throw new IllegalArgumentException("priority gap " + priorityGap + " must be at least 1");
            }
            if (minRunTime.isNegative()) {
                throw new IllegalArgumentException("minimum run time " + minRunTime + " is negative");
            }
        }
    }

    /** What one round decided. */
    public record Move(long jobId, JobRequest request, Optional<String> toNode, String reason) {
    }

    private final JobTable jobs;
    private final Placement placement;
    private final Knobs knobs;
    private final Clock clock;

    public BalancePolicy(JobTable jobs, Placement placement, Knobs knobs, Clock clock) {
        this.jobs = jobs;
        this.placement = placement;
        this.knobs = knobs;
        this.clock = clock;
    }

    public Optional<Move> round() throws SQLException {
        return jobs.database().inTransaction(c -> {
            Placement.lock(c);
            List<JobRecord> onNodes = jobs.allOnNodes(c);
            if (onNodes.stream().anyMatch(j -> j.request().isPresent() && j.request().get() != JobRequest.CHECKPOINT)) {
                return Optional.empty(); // a move is in flight
            }
            Placement.Capacity cap = placement.capacity(c);
            Instant settled = clock.instant().minus(knobs.minRunTime());
            List<JobRecord> movable = new ArrayList<>();
            for (JobRecord j : onNodes) {
                if (j.state() == JobState.RUNNING && j.startedAt().map(t -> !t.isAfter(settled)).orElse(false)
                        && cap.nodes().containsKey(j.node().orElseThrow())) {
                    movable.add(j);
                }
            }
            Optional<Move> move = Optional.empty();
            if (knobs.preemption()) {
                move = preemption(jobs.waiting(c), movable, cap);
            }
            if (move.isEmpty() && knobs.moveToIdle() && jobs.waiting(c).isEmpty()) {
                move = toIdle(onNodes, movable, cap);
            }
            if (move.isPresent()) {
                try (var ps = c.prepareStatement("UPDATE CRAK_JOBS SET REQUEST = ?, REQUEST_NODE = ? WHERE ID = ? AND STATE = ?")) {
                    ps.setString(1, move.get().request().name());
                    ps.setString(2, move.get().toNode().orElse(null));
                    ps.setLong(3, move.get().jobId());
                    ps.setString(4, JobState.RUNNING.name());
                    if (ps.executeUpdate() != 1) {
                        return Optional.empty();
                    }
                }
                JobRecord j = jobs.find(c, move.get().jobId()).orElseThrow();
                jobs.recordTransition(c, j.id(), j.state(), j.state(), j.node().orElse(null), j.epoch(),
                        move.get().request().name().toLowerCase() + " requested by the balancer: " + move.get().reason());
            }
            return move;
        });
    }

    Optional<Move> preemption(List<JobRecord> waiting, List<JobRecord> movable, Placement.Capacity cap) {
        for (JobRecord w : waiting) {
            if (Placement.choose(w, cap).isPresent()) {
                return Optional.empty(); // it will simply be placed
            }
            Optional<JobRecord> victim = movable.stream()
                    .filter(r -> r.priority() + knobs.priorityGap() <= w.priority())
                    .filter(r -> w.targetNode().map(t -> t.equals(r.node().orElseThrow())).orElse(true))
                    .filter(r -> cap.free(r.node().orElseThrow()) + r.slots() >= w.slots())
                    .min(Comparator.comparingInt(JobRecord::priority)
                            .thenComparing(r -> r.startedAt().orElseThrow(), Comparator.reverseOrder()));
            if (victim.isPresent()) {
                JobRecord v = victim.get();
                return Optional.of(new Move(v.id(), JobRequest.PREEMPT, Optional.empty(), "job " + w.id()
                        + " (priority " + w.priority() + ") waits and job " + v.id() + " has priority " + v.priority()));
            }
            // the most urgent job cannot be helped; do not preempt for less urgent ones behind it
            return Optional.empty();
        }
        return Optional.empty();
    }

    Optional<Move> toIdle(List<JobRecord> onNodes, List<JobRecord> movable, Placement.Capacity cap) {
        Map<String, Integer> count = new HashMap<>();
        cap.nodes().keySet().forEach(n -> count.put(n, 0));
        for (JobRecord j : onNodes) {
            count.merge(j.node().orElseThrow(), 1, Integer::sum);
        }
        Optional<String> idle = count.entrySet().stream().filter(e -> e.getValue() == 0 && cap.nodes().containsKey(e.getKey()))
                .map(Map.Entry::getKey).sorted().findFirst();
        if (idle.isEmpty()) {
            return Optional.empty();
        }
        return movable.stream()
                .filter(j -> count.getOrDefault(j.node().orElseThrow(), 0) >= 2)
                .filter(j -> cap.free(idle.get()) >= j.slots())
                .min(Comparator.comparingInt(JobRecord::priority).thenComparingLong(JobRecord::id))
                .map(j -> new Move(j.id(), JobRequest.MIGRATE, idle, "node " + idle.get() + " is idle while "
                        + j.node().orElseThrow() + " runs " + count.get(j.node().orElseThrow()) + " jobs"));
    }
}
