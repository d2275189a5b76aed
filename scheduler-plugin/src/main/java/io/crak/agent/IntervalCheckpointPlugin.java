package io.crak.agent;

import io.crak.cluster.JobRecord;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.spi.ClassLoadHelper;
import org.quartz.spi.SchedulerPlugin;

/**
 * Interval checkpointing: each running job gets a SimpleTrigger repeating every
 * {@code --checkpoint-every}, in the Quartz job store (so {@code crak status} shows when it is due),
 * affine to the node that runs the job. Its misfire rule is "reschedule next with remaining
 * count": after a missed interval (node busy, a checkpoint that took longer than the interval)
 * the trigger waits for the next regular time instead of firing the missed ones in a burst.
 */
public class IntervalCheckpointPlugin implements SchedulerPlugin, CheckpointScheduling {
    static final String JOB_PREFIX = "checkpoint-";
    private Scheduler scheduler;
    private String node;

    @Override
    public void initialize(String name, Scheduler s, ClassLoadHelper loadHelper) {
        this.scheduler = s;
    }

    @Override
    public void start() {
        try {
            NodeContext nc = NodeContext.of(scheduler);
            node = nc.reconciler().node();
            nc.reconciler().useCheckpointScheduling(this);
        } catch (SchedulerException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void shutdown() {
    }

    static JobKey jobKey(String node, long jobId) {
        return new JobKey(JOB_PREFIX + jobId, NodeAffinity.group(node));
    }

    @Override
    public void schedule(JobRecord job, long epoch) throws SchedulerException {
        JobKey key = jobKey(node, job.id());
        JobDetail d = JobBuilder.newJob(CheckpointTriggerJob.class).withIdentity(key).storeDurably(false)
                .withDescription("interval checkpoints of job " + job.id()).build();
        long every = job.checkpointEvery().toMillis();
        Trigger t = TriggerBuilder.newTrigger().withIdentity(key.getName(), key.getGroup()).forJob(d)
                .usingJobData(CheckpointTriggerJob.JOB_ID, Long.toString(job.id()))
                .usingJobData(CheckpointTriggerJob.EPOCH, Long.toString(epoch))
                .startAt(new Date(System.currentTimeMillis() + every))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every).repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(d, java.util.Set.of(t), true);
    }

    @Override
    public void unschedule(long jobId) throws SchedulerException {
        scheduler.deleteJob(jobKey(node, jobId));
    }

    @Override
    public Optional<Instant> next(long jobId) throws SchedulerException {
        return nextOn(scheduler, node, jobId);
    }

    /** When job {@code jobId}'s next interval checkpoint is due on {@code node}. */
    static Optional<Instant> nextOn(Scheduler s, String node, long jobId) throws SchedulerException {
        JobKey k = jobKey(node, jobId);
        Trigger t = s.getTrigger(new TriggerKey(k.getName(), k.getGroup()));
        return t == null || t.getNextFireTime() == null ? Optional.empty() : Optional.of(t.getNextFireTime().toInstant());
    }
}
