package io.crak.agent;

import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's life as a Quartz job. Each agent fires its own watch trigger (node-affine) once at
 * start; the execution lasts as long as the agent, reconciling the node's jobs. It requests
 * recovery: when the node dies, Quartz clustering sees its check-ins stop and re-fires the
 * execution on a surviving node, flagged as recovering. That recovering execution is Crak's
 * node-failure handling: the dead node's jobs are requeued (or failed) and fenced.
 */
public class NodeWatchJob implements InterruptableJob {
    private static final Logger LOG = LoggerFactory.getLogger(NodeWatchJob.class);
    static final String NODE = "node";
    static final String INCARNATION = "incarnation";
    private volatile Thread thread;

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        try {
            NodeContext nc = NodeContext.of(ctx.getScheduler());
            String watched = ctx.getMergedJobDataMap().getString(NODE);
            String life = ctx.getMergedJobDataMap().getString(INCARNATION);
            if (watched == null || life == null) {
                LOG.warn("watch trigger {} carries no node or incarnation; ignored", ctx.getTrigger().getKey());
                return;
            }
            long incarnation = Long.parseLong(life);
            if (ctx.isRecovering()) {
                FailureRecoveryPlugin.nodeDied(nc, ctx.getScheduler(), watched, incarnation);
                return;
            }
            NodeReconciler r = nc.reconciler();
            if (!watched.equals(r.node()) || incarnation != r.incarnation()) {
                LOG.info("watch trigger of {} incarnation {} is from an earlier life; ignored", watched, incarnation);
                return;
            }
            thread = Thread.currentThread();
            if (r.runLoop(nc.config().poll()) == NodeReconciler.Standing.PRESUMED_DEAD) {
                FailureRecoveryPlugin.rejoin(nc, ctx.getScheduler());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SchedulerException | RuntimeException | java.sql.SQLException e) {
            throw new JobExecutionException("node watch: " + e.getMessage(), e);
        }
    }

    @Override
    public void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
