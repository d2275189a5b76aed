package io.crak.run;

import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.simpl.RAMJobStore;
import org.quartz.simpl.SimpleThreadPool;

/**
 * The in-process Quartz scheduler of {@code crak run}: RAMJobStore, one worker thread, one
 * SimpleTrigger firing every interval. A checkpoint that runs long (or a JVM that was stopped)
 * makes fires late; a fire more than {@link #misfireThreshold} late is a misfire, and
 * MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT moves it to the next interval instead of
 * replaying every missed one in a burst.
 */
public final class CheckpointTrigger implements AutoCloseable {
    /** Where the checkpoint action is handed to the Quartz job (RAMJobStore keeps references). */
    static final String ACTION_KEY = "crak.checkpoint.action";
    /** A fire later than this fraction of the interval counts as missed. */
    static final double MISFIRE_FRACTION_OF_INTERVAL = 0.5;

    private final Scheduler scheduler;

    private CheckpointTrigger(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Starts firing {@code action} every {@code interval}, the first time one interval from now.
     * Fires never overlap.
     */
    public static CheckpointTrigger start(String jobName, Duration interval, Runnable action) throws SchedulerException {
        Properties p = new Properties();
        // instance names must be unique per JVM: tests run several crak runs in one
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "crak-run-" + jobName + "-" + System.nanoTime());
        p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, RAMJobStore.class.getName());
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(misfireThreshold(interval).toMillis()));
        p.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, SimpleThreadPool.class.getName());
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        Scheduler scheduler = new StdSchedulerFactory(p).getScheduler();
        try {
            scheduler.getContext().put(ACTION_KEY, action);
            JobDetail job = JobBuilder.newJob(CheckpointQuartzJob.class).withIdentity("checkpoint", jobName).build();
            scheduler.scheduleJob(job, trigger(jobName, interval));
            scheduler.start();
        } catch (SchedulerException | RuntimeException e) {
            scheduler.shutdown(false);
            throw e;
        }
        return new CheckpointTrigger(scheduler);
    }

    static Trigger trigger(String jobName, Duration interval) {
        return TriggerBuilder.newTrigger()
                .withIdentity("every-" + interval.toMillis() + "ms", jobName)
                .startAt(new Date(System.currentTimeMillis() + interval.toMillis()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    static Duration misfireThreshold(Duration interval) {
        return Duration.ofMillis((long) (interval.toMillis() * MISFIRE_FRACTION_OF_INTERVAL));
    }

    /** Stops the trigger and waits for a checkpoint in progress to end. */
    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }

    /** The Quartz job: runs the action; a second fire waits for the first (no overlap). */
    @DisallowConcurrentExecution
    public static final class CheckpointQuartzJob implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            Runnable action;
            try {
                action = (Runnable) context.getScheduler().getContext().get(ACTION_KEY);
            } catch (SchedulerException e) {
                throw new JobExecutionException(e);
            }
            action.run();
        }
    }
}
