package io.crak.agent;

import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;

/**
 * Quartz's JobStoreTX with the allowance after a missed check-in configurable: Quartz presumes an
 * instance dead {@code max(its check-in interval, time since our own last check-in) + 7.5 s}
 * after its last check-in; the 7.5 s are fixed in Quartz. Crak keeps Quartz's rule and default
 * but lets a cluster (and its tests) choose the allowance ({@code crak.cluster.failureGrace}).
 */
public class CrakJobStore extends JobStoreTX {
    private long failureGraceMillis = AgentConfig.DEFAULT_FAILURE_GRACE.toMillis();

    /** Set by Quartz from {@code org.quartz.jobStore.failureGraceMillis}. */
    public void setFailureGraceMillis(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("failure grace " + millis + " ms must be positive");
        }
        this.failureGraceMillis = millis;
    }

    @Override
    protected long calcFailedIfAfter(SchedulerStateRecord rec) {
        // as Quartz: if we ourselves were late checking in (paused, overloaded), allow the others as much
        return rec.getCheckinTimestamp()
                + Math.max(rec.getCheckinInterval(), System.currentTimeMillis() - lastCheckin)
                + failureGraceMillis;
    }
}
