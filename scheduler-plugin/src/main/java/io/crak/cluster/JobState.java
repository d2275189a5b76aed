package io.crak.cluster;

import java.util.EnumSet;
import java.util.Set;

/** Where a job is in its life. Every change is recorded in CRAK_TRANSITIONS with time and reason. */
public enum JobState {
    /** Submitted, waiting for a node with enough free slots. */
    PENDING,
    /** Placed on a node (which holds its slots) and being launched or restored there. */
    STARTING,
    RUNNING,
    /** A checkpoint is being taken; the job keeps running unless it is being preempted or migrated. */
    CHECKPOINTING,
    /** Checkpointed and stopped to free slots; resumes from that generation when slots free up. */
    PREEMPTED,
    /** Waiting to be restarted (after its node died, a migration, or an admin requeue). */
    REQUEUED,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** States in which the job holds slots on its node. */
    public static final Set<JobState> ON_NODE = EnumSet.of(STARTING, RUNNING, CHECKPOINTING);
    /** States from which placement may start the job on a node. */
    public static final Set<JobState> WAITING = EnumSet.of(PENDING, PREEMPTED, REQUEUED);
    public static final Set<JobState> TERMINAL = EnumSet.of(COMPLETED, FAILED, CANCELLED);

    public boolean onNode() {
        return ON_NODE.contains(this);
    }

    public boolean terminal() {
        return TERMINAL.contains(this);
    }
}
