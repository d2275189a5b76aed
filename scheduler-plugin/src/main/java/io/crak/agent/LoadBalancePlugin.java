package io.crak.agent;

import io.crak.cluster.BalancePolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.spi.ClassLoadHelper;
import org.quartz.spi.SchedulerPlugin;

/**
 * Load balancing and preemption ({@link BalancePolicy}): a cluster-wide trigger (not bound to a
 * node: Quartz fires it on one node at a time) runs a round of the policy every
 * {@code intervalMillis}. Knobs, set by Quartz from {@code org.quartz.plugin.balance.*} (which the
 * agent derives from {@code crak.balance.*}): {@code intervalMillis}, {@code preemption},
 * {@code priorityGap}, {@code moveToIdle}, {@code minRunTimeMillis}.
 */
public class LoadBalancePlugin implements SchedulerPlugin {
    static final String CONTEXT_KEY = "crak.balance.policy";
    static final String NAME = "balance";
    private Scheduler scheduler;
    private long intervalMillis = AgentConfig.DEFAULT_BALANCE_INTERVAL.toMillis();
    private boolean preemption = true;
    private int priorityGap = AgentConfig.DEFAULT_PRIORITY_GAP;
    private boolean moveToIdle = true;
    private long minRunTimeMillis = AgentConfig.DEFAULT_MIN_RUN_TIME.toMillis();

    public void setIntervalMillis(long v) {
        if (v <= 0) {
            throw new IllegalArgumentException("balance interval " + v + " ms must be positive");
        }
        intervalMillis = v;
    }

    public void setPreemption(boolean v) {
        preemption = v;
    }

    public void setPriorityGap(int v) {
        priorityGap = v;
    }

    public void setMoveToIdle(boolean v) {
        moveToIdle = v;
    }

    public void setMinRunTimeMillis(long v) {
        minRunTimeMillis = v;
    }

    @Override
    public void initialize(String name, Scheduler s, ClassLoadHelper loadHelper) throws SchedulerException {
        this.scheduler = s;
        // validates the knobs now, so a bad value stops the agent before it starts
        knobs();
    }

    private BalancePolicy.Knobs knobs() {
        return new BalancePolicy.Knobs(preemption, priorityGap, moveToIdle, Duration.ofMillis(minRunTimeMillis));
    }

    @Override
    public void start() {
        try {
            NodeContext nc = NodeContext.of(scheduler);
            scheduler.getContext().put(CONTEXT_KEY, new BalancePolicy(nc.jobs(), nc.placement(), knobs(), Clock.systemUTC()));
            JobDetail d = JobBuilder.newJob(BalanceJob.class).withIdentity(NAME).storeDurably(true)
                    .withDescription("load balancing and preemption").build();
            Trigger t = TriggerBuilder.newTrigger().withIdentity(NAME).forJob(d).startNow()
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(intervalMillis)
                            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            scheduler.scheduleJob(d, Set.of(t), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("load balancing could not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void shutdown() {
    }

    static BalancePolicy policy(Scheduler s) throws SchedulerException {
        Object o = s.getContext().get(CONTEXT_KEY);
        if (!(o instanceof BalancePolicy p)) {
            throw new SchedulerException("the load balancing plugin is not started on " + s.getSchedulerInstanceId());
        }
        return p;
    }
}
