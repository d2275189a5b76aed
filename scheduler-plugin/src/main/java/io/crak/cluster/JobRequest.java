package io.crak.cluster;

/**
 * An operation asked of the node that runs a job, stored on the job's row until that node's
 * agent carries it out (it notices within one poll interval).
 */
public enum JobRequest {
    /** Take a checkpoint now; the job keeps running. */
    CHECKPOINT,
    /** Kill the job; it becomes CANCELLED. */
    CANCEL,
    /** Checkpoint, stop, and wait as PREEMPTED for free slots. */
    PREEMPT,
    /** Checkpoint, stop, and restart on the requested node (or any other node when none). */
    MIGRATE
}
