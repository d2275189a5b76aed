package io.crak.agent;

import io.crak.job.RunningJob;
import io.crak.cluster.GenerationRecord;
import io.crak.cluster.JobRecord;
import io.crak.cluster.JobRequest;
import io.crak.cluster.JobState;
import io.crak.cluster.JobTable;
import io.crak.cluster.NodeRecord;
import io.crak.cluster.NodeTable;
import io.crak.cluster.Placement;
import io.crak.cluster.RequeuePolicy;
import io.crak.job.JobExit;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node do what the database says: starts (launches or restores) jobs placed on it,
 * carries out requests (checkpoint, cancel, preempt, migrate), reports jobs' ends, and kills any
 * copy of a job whose epoch moved on (the job was given to another node while this one was
 * presumed dead). Runs every poll interval inside the node's Quartz watch job.
 */
final class NodeReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(NodeReconciler.class);
    private static final Set<JobState> RUNNING_ONLY = EnumSet.of(JobState.RUNNING);
    private static final Set<JobState> CHECKPOINTING_ONLY = EnumSet.of(JobState.CHECKPOINTING);
    private static final Set<JobState> STARTING_ONLY = EnumSet.of(JobState.STARTING);
    /** How long a killed job's processes may take to disappear. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Concurrent starts and requested operations on this node. */
    static final int WORKER_THREADS = 4;

    /** What one round found about this node itself. */
    enum Standing { MEMBER, PRESUMED_DEAD }

    private final String node;
    private volatile long incarnation;
    private final JobTable jobs;
    private final NodeTable nodes;
    private final Placement placement;
    private final JobRuntime runtime;
    private final int maxStartAttempts;
    private final Duration retryDelay;
    private final Duration startTimeout;
    private final Clock clock;
    private volatile CheckpointScheduling checkpoints = CheckpointScheduling.NONE;
    private final Map<Long, LocalJob> local = new ConcurrentHashMap<>();
    /**
     * Starts, restores and stops run here. Fixed threads that live as long as the agent: a
     * parent-death signal armed in a job's processes fires when the thread that forked them
     * exits, so they must never be forked from a thread a pool might retire.
     */
    private final ExecutorService workers;
    private volatile boolean stopped;

    NodeReconciler(String node, long incarnation, JobTable jobs, NodeTable nodes, Placement placement,
            JobRuntime runtime, int maxStartAttempts, Duration retryDelay, Duration startTimeout, Clock clock) {
        this.node = node;
        this.incarnation = incarnation;
        this.jobs = jobs;
        this.nodes = nodes;
        this.placement = placement;
        this.runtime = runtime;
        this.maxStartAttempts = maxStartAttempts;
        this.retryDelay = retryDelay;
        this.startTimeout = startTimeout;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(WORKER_THREADS, r -> {
            Thread t = new Thread(r, "crak-job-worker");
            t.setDaemon(true);
            return t;
        });
    }

    String node() {
        return node;
    }

    long incarnation() {
        return incarnation;
    }

    void rejoined(long newIncarnation) {
        this.incarnation = newIncarnation;
    }

    void useCheckpointScheduling(CheckpointScheduling s) {
        this.checkpoints = s;
    }

    CheckpointScheduling checkpointScheduling() {
        return checkpoints;
    }

    boolean stopped() {
        return stopped;
    }

    /** Loops until stopped or until this node learns it was presumed dead. */
    Standing runLoop(Duration poll) throws InterruptedException {
        while (!stopped) {
            try {
                if (reconcileOnce() == Standing.PRESUMED_DEAD) {
                    return Standing.PRESUMED_DEAD;
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("node {}: reconciling with the database failed: {}", node, e.toString());
            }
            Thread.sleep(poll.toMillis());
        }
        return Standing.MEMBER;
    }

    Standing reconcileOnce() throws SQLException {
        Optional<NodeRecord> me = nodes.find(node);
        if (me.isEmpty() || me.get().incarnation() != incarnation || !me.get().state().alive()) {
            killAll("node " + node + " was presumed dead by the cluster (its Quartz check-ins were missed)");
            return Standing.PRESUMED_DEAD;
        }
        placement.placeWaiting();
        Map<Long, JobRecord> mine = jobs.onNode(node).stream()
                .filter(j -> j.nodeIncarnation() == incarnation)
                .collect(Collectors.toMap(JobRecord::id, Function.identity()));
        for (LocalJob l : List.copyOf(local.values())) {
            JobRecord j = mine.get(l.id);
            if (j == null || j.epoch() != l.epoch) {
                fenceOff(l, "job " + l.id + " epoch " + l.epoch + " is no longer this node's");
            }
        }
        for (JobRecord j : mine.values()) {
            LocalJob l = local.get(j.id());
            if (l == null) {
                if (j.state() == JobState.STARTING) {
                    LocalJob fresh = new LocalJob(j.id(), j.epoch());
                    local.put(j.id(), fresh);
                    workers.submit(() -> start(fresh, j));
                } else {
                    lost(j);
                }
            } else if (l.running == null && j.state() == JobState.STARTING
                    && System.nanoTime() - l.createdNanos > startTimeout.toNanos()) {
                // the launch or restore hangs (it cannot be interrupted): give the job to another try
                local.remove(j.id(), l);
                startFailed(j, l.epoch, new java.util.concurrent.TimeoutException("not started within "
                        + io.crak.job.DurationText.format(startTimeout)));
            } else if (j.request().isPresent() && l.running != null && l.busy.compareAndSet(false, true)) {
                workers.submit(() -> {
                    try {
                        carryOut(l, j.request().get(), j.requestNode());
                    } finally {
                        l.busy.set(false);
                    }
                });
            }
        }
        return Standing.MEMBER;
    }

    /** An interval checkpoint fired (on a Quartz worker thread) for a job held under {@code epoch}. */
    void intervalCheckpoint(long jobId, long epoch) {
        LocalJob l = local.get(jobId);
        if (l == null || l.epoch != epoch || l.running == null) {
            return; // stale trigger of a job this node no longer holds
        }
        if (!l.running.rootAlive()) {
            return; // the job is ending: its end is recorded when its root is reaped
        }
        if (!l.busy.compareAndSet(false, true)) {
            LOG.info("job {}: interval checkpoint skipped, another operation on it is still running", jobId);
            return;
        }
        try {
            checkpoint(l, "interval checkpoint");
        } catch (Exception e) {
            LOG.warn("job {}: {}", jobId, e.getMessage());
        } finally {
            l.busy.set(false);
        }
    }

    private void start(LocalJob l, JobRecord j) {
        RunningJob r = null;
        try {
            StringBuilder how = new StringBuilder();
            r = startProcesses(j, how);
            l.running = r;
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("STARTED_AT", clock.millis());
            set.put("START_ATTEMPTS", 0);
            if (!jobs.transition(j.id(), STARTING_ONLY, l.epoch, JobState.RUNNING, false, set,
                    how + " on " + node + " (root pid " + r.rootPid() + ")")) {
                fenceOff(l, "job " + j.id() + " changed while it was being started");
                return;
            }
            r.exit().whenComplete((exit, err) -> ended(l, exit, err));
            checkpoints.schedule(j, l.epoch);
        } catch (Exception e) {
            local.remove(j.id(), l);
            if (r != null) {
                l.stopping = true;
                try {
                    r.kill(STOP_TIMEOUT);
                } catch (Exception k) {
                    LOG.warn("job {}: killing its half-started processes failed: {}", j.id(), k.toString());
                }
            }
            startFailed(j, l.epoch, e);
        }
    }

    private RunningJob startProcesses(JobRecord j, StringBuilder how) throws Exception {
        List<Long> candidates = new ArrayList<>();
        if (j.restoreFrom() == JobRecord.LATEST) {
            for (GenerationRecord g : jobs.generations(j.id())) {
                candidates.add(g.generation());
            }
        } else if (j.restoreFrom() != JobRecord.FROM_START) {
            candidates.add(j.restoreFrom());
        }
        if (candidates.isEmpty()) {
            how.append("started from the beginning");
            return runtime.launch(j);
        }
        List<String> errors = new ArrayList<>();
        for (long g : candidates) {
            try {
                RunningJob r = runtime.restore(j, g);
                how.append("restored from generation ").append(g);
                if (!errors.isEmpty()) {
                    how.append(" (newer ones failed: ").append(String.join("; ", errors)).append(')');
                }
                return r;
            } catch (Exception e) {
                LOG.warn("job {}: restoring generation {} failed: {}", j.id(), g, e.getMessage());
                errors.add("generation " + g + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("no generation could be restored: " + String.join("; ", errors));
    }

    private void startFailed(JobRecord j, long epoch, Exception e) {
        int attempts = j.startAttempts() + 1;
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("NODE", null);
        set.put("START_ATTEMPTS", attempts);
        set.put("NOT_BEFORE", clock.millis() + retryDelay.toMillis() * attempts);
        String why = "start on " + node + " failed (attempt " + attempts + " of " + maxStartAttempts + "): " + e.getMessage();
        LOG.warn("job {}: {}", j.id(), why);
        try {
            jobs.transition(j.id(), STARTING_ONLY, epoch, attempts >= maxStartAttempts ? JobState.FAILED : JobState.REQUEUED,
                    true, set, why);
        } catch (SQLException s) {
            LOG.warn("job {}: recording the failed start failed: {}", j.id(), s.toString());
        }
    }

    /** The job's root process ended by itself (or was killed by something else than this agent). */
    private void ended(LocalJob l, JobExit exit, Throwable err) {
        unschedule(l.id);
        removeCgroup(l);
        if (l.stopping) {
            local.remove(l.id, l);
            return;
        }
        try {
            JobRecord j = jobs.find(l.id).orElseThrow();
            Map<String, Object> set = new LinkedHashMap<>();
            if (err != null) {
                set.put("NODE", null);
                jobs.transition(l.id, JobState.ON_NODE, l.epoch, JobState.FAILED, true, set,
                        "lost track of the job's processes: " + err.getMessage());
            } else if (!exit.wasSignaled() && exit.code() == 0) {
                set.put("EXIT_STATUS", 0);
                set.put("REQUEST", null);
                jobs.transition(l.id, JobState.ON_NODE, l.epoch, JobState.COMPLETED, false, set, "exited with code 0");
            } else if (exit.wasSignaled() && exit.signal() == JobExit.SIGKILL && j.requeue() == RequeuePolicy.AUTO) {
                set.put("NODE", null);
                set.put("RESTORE_FROM", JobRecord.LATEST);
                jobs.transition(l.id, JobState.ON_NODE, l.epoch, JobState.REQUEUED, true, set,
                        "killed by SIGKILL from outside Crak; requeued from its latest generation");
            } else {
                set.put("EXIT_STATUS", exit.status());
                set.put("REQUEST", null);
                jobs.transition(l.id, JobState.ON_NODE, l.epoch, JobState.FAILED, false, set, "ended with " + exit);
            }
            placement.placeWaiting();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("job {}: recording its end ({}) failed: {}", l.id, exit, e.toString());
        } finally {
            // only now: until the end is recorded, the reconciler must still see the job as ours
            local.remove(l.id, l);
        }
    }

    private void carryOut(LocalJob l, JobRequest request, Optional<String> toNode) {
        try {
            switch (request) {
                case CHECKPOINT -> {
                    try {
                        checkpoint(l, "checkpoint requested");
                    } finally {
                        Map<String, Object> set = new LinkedHashMap<>();
                        set.put("REQUEST", null);
                        jobs.update(l.id, JobState.ON_NODE, l.epoch, set);
                    }
                }
                case CANCEL -> {
                    l.stopping = true;
                    l.running.kill(STOP_TIMEOUT);
                    Map<String, Object> set = new LinkedHashMap<>();
                    set.put("REQUEST", null);
                    jobs.transition(l.id, JobState.ON_NODE, l.epoch, JobState.CANCELLED, true, set, "cancelled; killed on " + node);
                    forget(l);
                }
                case PREEMPT, MIGRATE -> stopAfterCheckpoint(l, request, toNode);
            }
        } catch (Exception e) {
            LOG.warn("job {}: {} failed: {}", l.id, request.name().toLowerCase(), e.getMessage());
            l.stopping = false;
            try {
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("REQUEST", null);
                set.put("REQUEST_NODE", null);
                jobs.transition(l.id, RUNNING_ONLY, l.epoch, JobState.RUNNING, false, set,
                        request.name().toLowerCase() + " failed, the job keeps running: " + e.getMessage());
            } catch (SQLException s) {
                LOG.warn("job {}: recording the failed {} failed: {}", l.id, request, s.toString());
            }
        }
    }

    private void stopAfterCheckpoint(LocalJob l, JobRequest request, Optional<String> toNode) throws Exception {
        String verb = request == JobRequest.PREEMPT ? "preempted" : "migrating" + toNode.map(n -> " to " + n).orElse("");
        long g = checkpoint(l, "checkpoint before " + (request == JobRequest.PREEMPT ? "preemption" : verb));
        l.stopping = true;
        l.running.kill(STOP_TIMEOUT);
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("NODE", null);
        set.put("REQUEST", null);
        set.put("REQUEST_NODE", null);
        set.put("TARGET_NODE", request == JobRequest.MIGRATE ? toNode.orElse(null) : null);
        set.put("RESTORE_FROM", JobRecord.LATEST);
        jobs.transition(l.id, RUNNING_ONLY, l.epoch, request == JobRequest.PREEMPT ? JobState.PREEMPTED : JobState.REQUEUED,
                true, set, verb + ": stopped on " + node + " after generation " + g);
        forget(l);
        placement.placeWaiting();
    }

    /** Takes one checkpoint of a running job; returns the generation. The job keeps running. */
    private long checkpoint(LocalJob l, String why) throws Exception {
        JobRecord j = jobs.find(l.id).orElseThrow();
        if (!jobs.transition(l.id, RUNNING_ONLY, l.epoch, JobState.CHECKPOINTING, false, Map.of(), why)) {
            throw new IllegalStateException("job " + l.id + " is " + j.state() + " (epoch " + j.epoch()
                    + "), not RUNNING under epoch " + l.epoch + " on " + node + ": no checkpoint taken");
        }
        long started = System.nanoTime();
        long g;
        try {
            g = runtime.checkpoint(j, l.running, () -> stillOwner(l));
        } catch (Exception e) {
            // a job ending by itself while its checkpoint starts is no failure of the checkpoint
            jobs.transition(l.id, CHECKPOINTING_ONLY, l.epoch, JobState.RUNNING, false, Map.of(), l.running.rootAlive()
                    ? "checkpoint failed, previous generation stays latest: " + e.getMessage()
                    : "no checkpoint: the job ended meanwhile (" + e.getMessage() + ")");
            throw e;
        }
        if (!jobs.acceptGeneration(l.id, l.epoch, g, node)) {
            throw new IllegalStateException("job " + l.id + ": generation " + g + " written but not accepted: node "
                    + node + " no longer holds epoch " + l.epoch);
        }
        jobs.transition(l.id, CHECKPOINTING_ONLY, l.epoch, JobState.RUNNING, false, Map.of(),
                "generation " + g + " committed in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        try {
            for (long removed : runtime.applyRetention(j)) {
                jobs.rejectGeneration(l.id, removed);
            }
        } catch (Exception e) {
            LOG.warn("job {}: retention failed: {}", l.id, e.getMessage());
        }
        return g;
    }

    private boolean stillOwner(LocalJob l) {
        try {
            Optional<JobRecord> j = jobs.find(l.id);
            return j.isPresent() && j.get().epoch() == l.epoch && j.get().state().onNode()
                    && j.get().node().map(node::equals).orElse(false);
        } catch (SQLException e) {
            return false; // cannot prove it: do not commit
        }
    }

    /** A job row says RUNNING here but this agent has no processes for it. */
    private void lost(JobRecord j) throws SQLException {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("NODE", null);
        boolean auto = j.requeue() == RequeuePolicy.AUTO;
        jobs.transition(j.id(), JobState.ON_NODE, j.epoch(), auto ? JobState.REQUEUED : JobState.FAILED, true, set,
                "agent on " + node + " has no processes for it" + (auto ? "; requeued" : ""));
    }

    /** Kills this node's copy of a job that is no longer its own, without touching the job's row. */
    private void fenceOff(LocalJob l, String why) {
        LOG.warn("{}: killing the stale copy on {}", why, node);
        l.stopping = true;
        RunningJob r = l.running;
        if (r != null) {
            try {
                r.kill(STOP_TIMEOUT);
            } catch (Exception e) {
                LOG.warn("job {}: killing the stale copy failed: {}", l.id, e.toString());
            }
        }
        forget(l);
    }

    private void forget(LocalJob l) {
        local.remove(l.id, l);
        unschedule(l.id);
        removeCgroup(l);
    }

    /**
     * Kills what is left of the job and waits until even the zombies are reaped: a restore of a
     * host-namespace job (here or on another node of the same host) needs its exact pids free.
     */
    private static void removeCgroup(LocalJob l) {
        RunningJob r = l.running;
        if (r != null) {
            try {
                List<Integer> pids = r.cgroup().pids();
                r.cgroup().killAndRemove(STOP_TIMEOUT);
                long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
                for (int pid : pids) {
                    while (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid)) && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("job {}: removing cgroup {} failed: {}", l.id, r.cgroup(), e.toString());
            }
        }
    }

    private void unschedule(long jobId) {
        try {
            checkpoints.unschedule(jobId);
        } catch (Exception e) {
            LOG.warn("job {}: removing its checkpoint trigger failed: {}", jobId, e.toString());
        }
    }

    void killAll(String why) {
        for (LocalJob l : List.copyOf(local.values())) {
            fenceOff(l, why);
        }
    }

    /** Ends the loop; jobs are left to {@link #killAll}. */
    void stop() {
        stopped = true;
    }

    void shutdownWorkers() {
        workers.shutdownNow();
    }

    Set<Long> localJobs() {
        return Set.copyOf(local.keySet());
    }
}
