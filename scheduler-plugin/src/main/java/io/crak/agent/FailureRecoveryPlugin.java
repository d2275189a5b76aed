package io.crak.agent;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.spi.ClassLoadHelper;
import org.quartz.spi.SchedulerPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure recovery. At start it ends what the node's previous life left (jobs that died with the
 * old agent are requeued) and fires the node's {@link NodeWatchJob}, whose recovery by Quartz
 * clustering is how a node's death becomes known. On a node's death its jobs with
 * {@code --requeue auto} are requeued to restart elsewhere from their latest accepted generation,
 * the others fail; each is fenced by bumping its epoch.
 */
public class FailureRecoveryPlugin implements SchedulerPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(FailureRecoveryPlugin.class);
    static final String WATCH = "watch";
    private Scheduler scheduler;

    @Override
    public void initialize(String name, Scheduler s, ClassLoadHelper loadHelper) {
        this.scheduler = s;
    }

    @Override
    public void start() {
        try {
            NodeContext nc = NodeContext.of(scheduler);
            NodeReconciler r = nc.reconciler();
            List<Long> ended = nc.recovery().previousLivesEnded(r.node(), r.incarnation());
            if (!ended.isEmpty()) {
                LOG.info("node {}: jobs {} died with this node's previous agent", r.node(), ended);
            }
            fireWatch(scheduler, r.node(), r.incarnation());
        } catch (SchedulerException | SQLException e) {
            throw new IllegalStateException("failure recovery could not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void shutdown() {
    }

    static void fireWatch(Scheduler s, String node, long incarnation) throws SchedulerException {
        String group = NodeAffinity.group(node);
        JobDetail watch = JobBuilder.newJob(NodeWatchJob.class).withIdentity(WATCH, group)
                .requestRecovery(true).storeDurably(true)
                .withDescription("life of node " + node).build();
        // one trigger per life: when an old life's execution completes, Quartz deletes its trigger, not the new one's
        Trigger t = TriggerBuilder.newTrigger().withIdentity(WATCH + "-" + incarnation, group).forJob(watch)
                .usingJobData(NodeWatchJob.NODE, node)
                .usingJobData(NodeWatchJob.INCARNATION, Long.toString(incarnation))
                .startNow().build();
        s.scheduleJob(watch, Set.of(t), true);
    }

    /** Quartz recovered the watch of {@code node} in {@code incarnation}: that life is over. */
    static void nodeDied(NodeContext nc, Scheduler s, String node, long incarnation) throws SQLException, SchedulerException {
        List<Long> ids = nc.recovery().nodeDied(node, incarnation,
                "presumed dead: it missed its Quartz cluster check-ins (recovered by " + nc.reconciler().node() + ")");
        LOG.warn("node {} (incarnation {}) is dead; its jobs {} were requeued or failed", node, incarnation, ids);
        if (nc.nodes().find(node).map(n -> n.state() == io.crak.cluster.NodeState.DEAD).orElse(false)) {
            dropTriggersOf(s, node);
        }
        nc.placement().placeWaiting();
    }

    /** This node learned it had been presumed dead: it comes back as a new life. */
    static void rejoin(NodeContext nc, Scheduler s) throws SQLException, SchedulerException {
        NodeReconciler r = nc.reconciler();
        r.killAll("node " + r.node() + " was presumed dead");
        long inc = nc.nodes().register(r.node(), nc.config().slots());
        r.rejoined(inc);
        LOG.warn("node {} had been presumed dead; its stale job copies were killed; rejoining as incarnation {}", r.node(), inc);
        nc.recovery().previousLivesEnded(r.node(), inc);
        fireWatch(s, r.node(), inc);
    }

    /** Checkpoint triggers left in a dead node's group would never fire again: drop them. */
    static void dropTriggersOf(Scheduler s, String node) throws SchedulerException {
        for (JobKey k : s.getJobKeys(GroupMatcher.jobGroupEquals(NodeAffinity.group(node)))) {
            if (k.getName().startsWith(IntervalCheckpointPlugin.JOB_PREFIX)) {
                s.deleteJob(k);
            }
        }
    }
}
