package io.crak.agent;

import io.crak.cluster.JobTable;
import io.crak.cluster.NodeTable;
import io.crak.cluster.Placement;
import io.crak.cluster.Recovery;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * What Crak's Quartz jobs and plugins share on one node. The agent puts it into the scheduler's
 * context before starting the scheduler; Quartz instantiates the plugins and jobs, which fetch it.
 */
record NodeContext(AgentConfig config, JobTable jobs, NodeTable nodes, Placement placement, Recovery recovery,
        NodeReconciler reconciler) {
    static final String KEY = "crak.node";

    static NodeContext of(Scheduler scheduler) throws SchedulerException {
        Object o = scheduler.getContext().get(KEY);
        if (!(o instanceof NodeContext c)) {
            throw new SchedulerException("scheduler " + scheduler.getSchedulerName() + " has no Crak node context: "
                    + "Crak's plugins only run inside crak agent");
        }
        return c;
    }
}
