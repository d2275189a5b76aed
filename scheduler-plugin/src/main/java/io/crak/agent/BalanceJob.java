package io.crak.agent;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One round of the load-balancing policy, on whichever node Quartz gives the trigger to. */
@DisallowConcurrentExecution
public class BalanceJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(BalanceJob.class);

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        try {
            NodeContext nc = NodeContext.of(ctx.getScheduler());
            nc.placement().placeWaiting();
            LoadBalancePlugin.policy(ctx.getScheduler()).round()
                    .ifPresent(m -> LOG.info("balancer: {} job {}{}: {}", m.request().name().toLowerCase(), m.jobId(),
                            m.toNode().map(n -> " to " + n).orElse(""), m.reason()));
        } catch (SchedulerException | java.sql.SQLException e) {
            throw new JobExecutionException("balance round: " + e.getMessage(), e);
        }
    }
}
