package io.crak.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts waiting jobs on nodes with free slots. Runs in one transaction holding the cluster-wide
 * placement lock (a row of CRAK_LOCKS selected FOR UPDATE), so two agents placing at the same
 * moment never give the same slots twice. The node chosen starts the job when its agent next
 * reconciles; a node that dies before it does has the job requeued by failure recovery.
 */
public final class Placement {
    /** One decision: job {@code jobId} goes to {@code node}. */
    public record Decision(long jobId, String node) {
    }

    /** Free slots per node that takes jobs, computed inside the placement lock. */
    public record Capacity(Map<String, NodeRecord> nodes, Map<String, Integer> used) {
        public int free(String node) {
            NodeRecord n = nodes.get(node);
            return n == null ? 0 : n.slots() - used.getOrDefault(node, 0);
        }

        void take(String node, int slots) {
            used.merge(node, slots, Integer::sum);
        }
    }

    private final JobTable jobs;
    private final NodeTable nodes;

    public Placement(JobTable jobs, NodeTable nodes) {
        this.jobs = jobs;
        this.nodes = nodes;
    }

    /** Places whatever fits now; returns what it decided. */
    public List<Decision> placeWaiting() throws SQLException {
        return jobs.database().inTransaction(c -> {
            if (!hasWaiting(c)) {
                return List.of();
            }
            lock(c);
            Capacity cap = capacity(c);
            List<Decision> out = new ArrayList<>();
            for (JobRecord job : jobs.waiting(c)) {
                Optional<String> node = choose(job, cap);
                if (node.isPresent()) {
                    NodeRecord n = cap.nodes().get(node.get());
                    Map<String, Object> set = new LinkedHashMap<>();
                    set.put("NODE", n.name());
                    set.put("NODE_INCARNATION", n.incarnation());
                    set.put("TARGET_NODE", null);
                    set.put("REQUEST", null);
                    set.put("REQUEST_NODE", null);
                    if (jobs.transition(c, job.id(), JobState.WAITING, null, JobState.STARTING, true, set,
                            "placed on " + n.name() + " (" + cap.free(n.name()) + " of " + n.slots() + " slots free)")) {
                        cap.take(n.name(), job.slots());
                        out.add(new Decision(job.id(), n.name()));
                    }
                }
            }
            return out;
        });
    }

    /** The node for {@code job}: its target if that has room, else the UP node with most free slots. */
    static Optional<String> choose(JobRecord job, Capacity cap) {
        if (job.targetNode().isPresent()) {
            String t = job.targetNode().get();
            return cap.nodes().containsKey(t) && cap.free(t) >= job.slots() ? Optional.of(t) : Optional.empty();
        }
        return cap.nodes().keySet().stream()
                .filter(n -> cap.free(n) >= job.slots())
                .max(Comparator.<String>comparingInt(cap::free).thenComparing(Comparator.reverseOrder()));
    }

    static boolean hasWaiting(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM CRAK_JOBS WHERE STATE IN "
                + JobTable.inList(JobState.WAITING));
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** Takes the cluster-wide placement lock until {@code c}'s transaction ends. */
    static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT NAME FROM CRAK_LOCKS WHERE NAME = ? FOR UPDATE")) {
            ps.setString(1, Schema.PLACEMENT_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("lock row " + Schema.PLACEMENT_LOCK + " is missing from CRAK_LOCKS");
                }
            }
        }
    }

    Capacity capacity(Connection c) throws SQLException {
        Map<String, NodeRecord> up = new LinkedHashMap<>();
        for (NodeRecord n : nodes.all(c)) {
            if (n.state().acceptsJobs()) {
                up.put(n.name(), n);
            }
        }
        Map<String, Integer> used = new HashMap<>();
        for (JobRecord j : jobs.allOnNodes(c)) {
            used.merge(j.node().orElseThrow(), j.slots(), Integer::sum);
        }
        return new Capacity(up, used);
    }
}
