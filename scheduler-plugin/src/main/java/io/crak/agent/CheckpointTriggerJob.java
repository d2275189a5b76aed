package io.crak.agent;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * Fired by a job's interval trigger on the node that runs the job; takes one checkpoint. Never
 * two at once for one job, and a checkpoint that outlasts the interval makes the next firing wait
 * (then Quartz's misfire rule skips the missed ones rather than bursting).
 */
@DisallowConcurrentExecution
public class CheckpointTriggerJob implements Job {
    static final String JOB_ID = "jobId";
    static final String EPOCH = "epoch";

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        try {
            NodeContext nc = NodeContext.of(ctx.getScheduler());
            nc.reconciler().intervalCheckpoint(Long.parseLong(ctx.getMergedJobDataMap().getString(JOB_ID)),
                    Long.parseLong(ctx.getMergedJobDataMap().getString(EPOCH)));
        } catch (SchedulerException e) {
            throw new JobExecutionException(e.getMessage(), e);
        }
    }
}
