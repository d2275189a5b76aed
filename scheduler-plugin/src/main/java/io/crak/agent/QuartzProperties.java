package io.crak.agent;

import io.crak.cluster.Database;
import java.util.Properties;

/**
 * The Quartz configuration an agent derives from its {@link AgentConfig}: the JDBC job store
 * (clustered on PostgreSQL, with the node name as instance id), the node-affine delegates and
 * Crak's plugins with their knobs. Users never write Quartz properties themselves.
 */
final class QuartzProperties {
    static final String SCHEDULER_NAME = "crak";
    static final String DATA_SOURCE = "crak";
    /** Worker threads beyond one per slot: the node watch, the balancer, the recovery of a dead node. */
    static final int EXTRA_THREADS = 3;
    /**
     * A trigger later than this counts as misfired and follows its misfire rule (no burst)
     * instead of firing late; short, because checkpoint intervals may be a second or two.
     */
    static final long MISFIRE_THRESHOLD_MILLIS = 1000;

    private QuartzProperties() {
    }

    static Properties of(AgentConfig c) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", c.node());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(c.idleWait().toMillis()));
        p.setProperty("org.quartz.scheduler.interruptJobsOnShutdownWithWait", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(c.slots() + EXTRA_THREADS));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", CrakJobStore.class.getName());
        p.setProperty("org.quartz.jobStore.driverDelegateClass", c.databaseKind() == Database.Kind.POSTGRESQL
                ? NodeAffinePostgresDelegate.class.getName() : NodeAffineH2Delegate.class.getName());
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(c.clustered()));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(c.checkinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.failureGraceMillis", Long.toString(c.failureGrace().toMillis()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(MISFIRE_THRESHOLD_MILLIS));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.plugin.recovery.class", FailureRecoveryPlugin.class.getName());
        p.setProperty("org.quartz.plugin.checkpoint.class", IntervalCheckpointPlugin.class.getName());
        if (c.balanceEnabled()) {
            p.setProperty("org.quartz.plugin.balance.class", LoadBalancePlugin.class.getName());
            p.setProperty("org.quartz.plugin.balance.intervalMillis", Long.toString(c.balanceInterval().toMillis()));
            p.setProperty("org.quartz.plugin.balance.preemption", Boolean.toString(c.balance().preemption()));
            p.setProperty("org.quartz.plugin.balance.priorityGap", Integer.toString(c.balance().priorityGap()));
            p.setProperty("org.quartz.plugin.balance.moveToIdle", Boolean.toString(c.balance().moveToIdle()));
            p.setProperty("org.quartz.plugin.balance.minRunTimeMillis", Long.toString(c.balance().minRunTime().toMillis()));
        }
        return p;
    }
}
