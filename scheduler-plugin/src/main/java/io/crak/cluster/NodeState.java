package io.crak.cluster;

/** A node agent's standing in the cluster, as recorded in CRAK_NODES. */
public enum NodeState {
    /** Its agent runs and takes new jobs. */
    UP,
    /** Its agent runs but takes no new jobs: an admin is moving everything off it. */
    DRAINING,
    /** Quartz clustering saw it miss its check-ins; its jobs were requeued or failed. */
    DEAD,
    /** Its agent shut down cleanly. */
    LEFT;

    public boolean acceptsJobs() {
        return this == UP;
    }

    public boolean alive() {
        return this == UP || this == DRAINING;
    }
}
