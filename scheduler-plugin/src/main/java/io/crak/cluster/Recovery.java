package io.crak.cluster;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happens to the jobs of a node that is gone. Called when Quartz clustering recovers the
 * node's watch job (the node missed its check-ins) and when an agent starts and finds jobs of its
 * own previous life. Each job is fenced by bumping its epoch: whatever copy the old node may
 * still run can no longer record anything, and kills itself when it notices.
 */
public final class Recovery {
    private final JobTable jobs;
    private final NodeTable nodes;

    public Recovery(JobTable jobs, NodeTable nodes) {
        this.jobs = jobs;
        this.nodes = nodes;
    }

    /** Node {@code node} in incarnation {@code incarnation} is dead; returns the jobs it had. */
    public List<Long> nodeDied(String node, long incarnation, String why) throws SQLException {
        nodes.setState(node, incarnation, NodeState.DEAD);
        return requeueJobsOf(node, "NODE_INCARNATION = " + incarnation, "node " + node + " " + why);
    }

    /** An agent restarted as {@code node}: jobs its earlier incarnations held died with them. */
    public List<Long> previousLivesEnded(String node, long currentIncarnation) throws SQLException {
        return requeueJobsOf(node, "NODE_INCARNATION < " + currentIncarnation,
                "node " + node + " restarted (its agent and jobs had died)");
    }

    private List<Long> requeueJobsOf(String node, String incarnationClause, String why) throws SQLException {
        List<Long> ids = jobs.database().inTransaction(c -> {
            List<Long> l = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ID FROM CRAK_JOBS WHERE NODE = ? AND "
                    + incarnationClause + " AND STATE IN " + JobTable.inList(JobState.ON_NODE))) {
                ps.setString(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        l.add(rs.getLong(1));
                    }
                }
            }
            return l;
        });
        for (long id : ids) {
            JobRecord j = jobs.find(id).orElseThrow();
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("NODE", null);
            set.put("REQUEST", null);
            set.put("REQUEST_NODE", null);
            if (j.request().orElse(null) == JobRequest.CANCEL) {
                jobs.transition(id, JobState.ON_NODE, j.epoch(), JobState.CANCELLED, true, set, why + "; it was being cancelled");
            } else if (j.requeue() == RequeuePolicy.AUTO) {
                String from = j.generation().map(g -> "generation " + g).orElse("the start");
                jobs.transition(id, JobState.ON_NODE, j.epoch(), JobState.REQUEUED, true, set,
                        why + "; requeued to restart from " + from);
            } else {
                jobs.transition(id, JobState.ON_NODE, j.epoch(), JobState.FAILED, true, set,
                        why + "; not requeued (--requeue never)");
            }
        }
        return ids;
    }
}
