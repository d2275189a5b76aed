package io.crak.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crak.cluster.GenerationRecord;
import io.crak.cluster.JobRecord;
import io.crak.cluster.JobRequest;
import io.crak.cluster.JobSpec;
import io.crak.cluster.JobState;
import io.crak.cluster.JobTable;
import io.crak.cluster.NodeRecord;
import io.crak.cluster.NodeState;
import io.crak.cluster.NodeTable;
import io.crak.cluster.Placement;
import io.crak.cluster.RequeuePolicy;
import io.crak.cluster.Transition;
import io.crak.job.DurationText;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * The operations behind the CLI's cluster commands, as the agent carries them out for a caller
 * identified by SO_PEERCRED. Operations on a job need its owner or root; draining a node needs root.
 */
final class AgentRequests implements AgentServer.Handler {
    /** How long {@code crak checkpoint} waits for the node to take the checkpoint. */
    static final Duration CHECKPOINT_WAIT = Duration.ofMinutes(10);
    static final Duration CHECKPOINT_POLL = Duration.ofMillis(100);

    /** A refusal or failure that becomes the response's one-line error. */
    static final class Refused extends Exception {
        final int exit;

        Refused(int exit, String message) {
            super(message);
            this.exit = exit;
        }
    }

    private final AgentConfig config;
    private final JobTable jobs;
    private final NodeTable nodes;
    private final Placement placement;
    private final Scheduler scheduler;

    AgentRequests(AgentConfig config, JobTable jobs, NodeTable nodes, Placement placement, Scheduler scheduler) {
        this.config = config;
        this.jobs = jobs;
        this.nodes = nodes;
        this.placement = placement;
        this.scheduler = scheduler;
    }

    @Override
    public ObjectNode handle(ObjectNode req, UserAccount caller) {
        try {
            String op = req.path("op").asText("");
            return switch (op) {
                case "submit" -> submit(req, caller);
                case "status" -> status(req);
                case "checkpoint" -> checkpoint(req, caller);
                case "cancel" -> cancel(req, caller);
                case "preempt" -> request(req, caller, JobRequest.PREEMPT, null);
                case "migrate" -> migrate(req, caller);
                case "requeue" -> requeue(req, caller);
                case "drain" -> drain(req, caller);
                case "nodes" -> nodeList();
                default -> throw new Refused(AgentProtocol.EXIT_USAGE, "unknown operation '" + op + "'");
            };
        } catch (Refused r) {
            return AgentProtocol.error(r.exit, r.getMessage());
        } catch (SQLException | SchedulerException e) {
            return AgentProtocol.error(AgentProtocol.EXIT_FAILED, "agent " + config.node() + ": database: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AgentProtocol.error(AgentProtocol.EXIT_FAILED, "agent " + config.node() + " is shutting down");
        } catch (IllegalArgumentException e) {
            return AgentProtocol.error(AgentProtocol.EXIT_USAGE, e.getMessage());
        }
    }

    private ObjectNode submit(ObjectNode req, UserAccount caller) throws Refused, SQLException {
        List<String> command = new ArrayList<>();
        req.path("command").forEach(n -> command.add(n.asText()));
        if (command.isEmpty()) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "no command given after --");
        }
        Duration every = DurationText.parse(text(req, "checkpointEvery"));
        if (every.compareTo(config.checkpointMinInterval()) < 0) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "--checkpoint-every " + DurationText.format(every)
                    + " is below this cluster's minimum " + DurationText.format(config.checkpointMinInterval())
                    + " (crak.checkpoint.minInterval)");
        }
        String name = req.hasNonNull("name") ? req.get("name").asText() : JobSpec.defaultName(command);
        Path storage = req.hasNonNull("storage") ? Path.of(req.get("storage").asText()) : config.storageRoot();
        JobSpec spec = new JobSpec(name, command, Path.of(text(req, "cwd")), every,
                req.path("slots").asInt(JobSpec.DEFAULT_SLOTS), req.path("priority").asInt(JobSpec.DEFAULT_PRIORITY),
                RequeuePolicy.parse(req.path("requeue").asText("auto")), storage);
        int largest = nodes.all().stream().filter(n -> n.state().alive()).mapToInt(NodeRecord::slots).max().orElse(0);
        if (spec.slots() > largest) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "job needs " + spec.slots() + " slots but the largest node has "
                    + largest);
        }
        long id = jobs.insert(spec, caller.uid(), caller.name());
        placement.placeWaiting();
        ObjectNode out = AgentProtocol.ok();
        out.put("id", id);
        return out;
    }

    private ObjectNode status(ObjectNode req) throws SQLException, SchedulerException, Refused {
        ObjectNode out = AgentProtocol.ok();
        ArrayNode rows = out.putArray("jobs");
        List<JobRecord> list = req.hasNonNull("job") ? List.of(job(req)) : jobs.all();
        for (JobRecord j : list) {
            ObjectNode r = rows.addObject();
            r.put("id", j.id());
            r.put("name", j.name());
            r.put("owner", j.ownerName());
            r.put("state", j.state().name());
            r.put("node", j.node().orElse(""));
            r.put("epoch", j.epoch());
            r.put("priority", j.priority());
            r.put("slots", j.slots());
            j.generation().ifPresent(g -> r.put("generation", g));
            j.lastCheckpointAt().ifPresent(t -> r.put("lastCheckpoint", t.toEpochMilli()));
            if (j.state().onNode() && j.node().isPresent()) {
                IntervalCheckpointPlugin.nextOn(scheduler, j.node().get(), j.id())
                        .ifPresent(t -> r.put("nextCheckpoint", t.toEpochMilli()));
            }
            j.exitStatus().ifPresent(s -> r.put("exitStatus", s));
            r.put("reason", j.reason());
            r.put("jobDir", j.jobDirectory().toString());
        }
        if (req.hasNonNull("job")) {
            JobRecord j = list.get(0);
            ArrayNode ts = out.putArray("transitions");
            for (Transition t : jobs.transitions(j.id())) {
                ObjectNode n = ts.addObject();
                n.put("at", t.at().toEpochMilli());
                n.put("from", t.from().map(Enum::name).orElse(""));
                n.put("to", t.to().name());
                n.put("node", t.node().orElse(""));
                n.put("epoch", t.epoch());
                n.put("reason", t.reason());
            }
            ArrayNode gs = out.putArray("generations");
            for (GenerationRecord g : jobs.generations(j.id())) {
                ObjectNode n = gs.addObject();
                n.put("generation", g.generation());
                n.put("epoch", g.epoch());
                n.put("node", g.node());
                n.put("at", g.committedAt().toEpochMilli());
            }
        }
        return out;
    }

    private ObjectNode checkpoint(ObjectNode req, UserAccount caller)
            throws Refused, SQLException, InterruptedException {
        JobRecord j = owned(req, caller);
        if (j.state() != JobState.RUNNING && j.state() != JobState.CHECKPOINTING) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " is " + j.state() + ", not RUNNING");
        }
        setRequest(j, JobRequest.CHECKPOINT, null);
        long deadline = System.nanoTime() + CHECKPOINT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(CHECKPOINT_POLL.toMillis());
            JobRecord now = jobs.find(j.id()).orElseThrow();
            if (now.request().orElse(null) != JobRequest.CHECKPOINT || now.epoch() != j.epoch()) {
                Optional<Long> g = now.generation();
                if (g.isPresent() && !g.equals(j.generation()) && now.epoch() == j.epoch()) {
                    ObjectNode out = AgentProtocol.ok();
                    out.put("generation", g.get());
                    return out;
                }
                throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + ": no checkpoint taken: " + now.reason());
            }
        }
        throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + ": checkpoint not done after "
                + DurationText.format(CHECKPOINT_WAIT));
    }

    private ObjectNode cancel(ObjectNode req, UserAccount caller) throws Refused, SQLException {
        JobRecord j = owned(req, caller);
        if (j.state().terminal()) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " is already " + j.state());
        }
        if (JobState.WAITING.contains(j.state())) {
            if (jobs.transition(j.id(), JobState.WAITING, j.epoch(), JobState.CANCELLED, true, Map.of(),
                    "cancelled by " + caller.name() + " before it ran")) {
                return AgentProtocol.ok();
            }
            j = jobs.find(j.id()).orElseThrow();
        }
        Map<String, Object> set = new HashMap<>();
        set.put("REQUEST", JobRequest.CANCEL);
        if (!jobs.update(j.id(), JobState.ON_NODE, null, set)) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " changed state meanwhile; try again");
        }
        return AgentProtocol.ok();
    }

    private ObjectNode migrate(ObjectNode req, UserAccount caller) throws Refused, SQLException {
        String to = text(req, "node");
        NodeRecord n = nodes.find(to).orElseThrow(() -> new Refused(AgentProtocol.EXIT_USAGE, "node " + to + " is unknown"));
        if (!n.state().acceptsJobs()) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "node " + to + " is " + n.state() + " and takes no jobs");
        }
        return request(req, caller, JobRequest.MIGRATE, to);
    }

    private ObjectNode request(ObjectNode req, UserAccount caller, JobRequest r, String toNode) throws Refused, SQLException {
        JobRecord j = owned(req, caller);
        if (j.state() != JobState.RUNNING && j.state() != JobState.CHECKPOINTING) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " is " + j.state() + ", not RUNNING");
        }
        if (toNode != null && j.node().map(toNode::equals).orElse(false)) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "job " + j.id() + " already runs on " + toNode);
        }
        setRequest(j, r, toNode);
        return AgentProtocol.ok();
    }

    private void setRequest(JobRecord j, JobRequest r, String toNode) throws Refused, SQLException {
        if (j.request().isPresent() && j.request().get() != r) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " already has a pending "
                    + j.request().get().name().toLowerCase());
        }
        Map<String, Object> set = new HashMap<>();
        set.put("REQUEST", r);
        set.put("REQUEST_NODE", toNode);
        if (!jobs.update(j.id(), JobState.ON_NODE, j.epoch(), set)) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " changed meanwhile; try again");
        }
    }

    private ObjectNode requeue(ObjectNode req, UserAccount caller) throws Refused, SQLException {
        JobRecord j = owned(req, caller);
        if (!EnumSet.of(JobState.FAILED, JobState.CANCELLED).contains(j.state())) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " is " + j.state()
                    + "; only FAILED or CANCELLED jobs are requeued");
        }
        long from = JobRecord.LATEST;
        if (req.hasNonNull("generation")) {
            long g = req.get("generation").asLong();
            if (g != JobRecord.FROM_START && jobs.generations(j.id()).stream().noneMatch(r -> r.generation() == g)) {
                throw new Refused(AgentProtocol.EXIT_USAGE, "job " + j.id() + " has no accepted generation " + g
                        + " (see crak status " + j.id() + ")");
            }
            from = g;
        }
        String to = req.hasNonNull("node") ? req.get("node").asText() : null;
        if (to != null && nodes.find(to).isEmpty()) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "node " + to + " is unknown");
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("NODE", null);
        set.put("RESTORE_FROM", from);
        set.put("TARGET_NODE", to);
        set.put("START_ATTEMPTS", 0);
        set.put("NOT_BEFORE", null);
        set.put("EXIT_STATUS", null);
        set.put("REQUEST", null);
        String fromText = from == JobRecord.LATEST ? "its latest generation"
                : from == JobRecord.FROM_START ? "the start" : "generation " + from;
        if (!jobs.transition(j.id(), EnumSet.of(JobState.FAILED, JobState.CANCELLED), j.epoch(), JobState.REQUEUED, true, set,
                "requeued by " + caller.name() + " to restart from " + fromText + (to == null ? "" : " on " + to))) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " changed meanwhile; try again");
        }
        placement.placeWaiting();
        return AgentProtocol.ok();
    }

    private ObjectNode drain(ObjectNode req, UserAccount caller) throws Refused, SQLException {
        if (!caller.isRoot()) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "only root may drain a node (caller is " + caller.name() + ")");
        }
        String name = text(req, "node");
        NodeRecord n = nodes.find(name).orElseThrow(() -> new Refused(AgentProtocol.EXIT_USAGE, "node " + name + " is unknown"));
        if (!n.state().alive()) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "node " + name + " is " + n.state());
        }
        nodes.setState(name, n.incarnation(), NodeState.DRAINING);
        ObjectNode out = AgentProtocol.ok();
        ArrayNode moved = out.putArray("jobs");
        for (JobRecord j : jobs.onNode(name)) {
            Map<String, Object> set = new HashMap<>();
            set.put("REQUEST", JobRequest.MIGRATE);
            set.put("REQUEST_NODE", null);
            if (j.request().isEmpty() && jobs.update(j.id(), JobState.ON_NODE, j.epoch(), set)) {
                moved.add(j.id());
            }
        }
        return out;
    }

    private ObjectNode nodeList() throws SQLException {
        Map<String, Long[]> checkins = jobs.database().inTransaction(c -> {
            Map<String, Long[]> m = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT INSTANCE_NAME, LAST_CHECKIN_TIME, CHECKIN_INTERVAL"
                    + " FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = ?")) {
                ps.setString(1, QuartzProperties.SCHEDULER_NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        m.put(rs.getString(1), new Long[] {rs.getLong(2), rs.getLong(3)});
                    }
                }
            }
            return m;
        });
        Map<String, Integer> used = new HashMap<>();
        Map<String, Integer> count = new HashMap<>();
        for (JobRecord j : jobs.all()) {
            if (j.state().onNode()) {
                used.merge(j.node().orElseThrow(), j.slots(), Integer::sum);
                count.merge(j.node().orElseThrow(), 1, Integer::sum);
            }
        }
        ObjectNode out = AgentProtocol.ok();
        ArrayNode rows = out.putArray("nodes");
        for (NodeRecord n : nodes.all()) {
            ObjectNode r = rows.addObject();
            r.put("name", n.name());
            r.put("state", n.state().name());
            r.put("slots", n.slots());
            r.put("used", used.getOrDefault(n.name(), 0));
            r.put("jobs", count.getOrDefault(n.name(), 0));
            r.put("since", n.since().toEpochMilli());
            Long[] ci = checkins.get(n.name());
            if (ci != null) {
                r.put("lastCheckin", ci[0]);
            }
        }
        return out;
    }

    private JobRecord job(ObjectNode req) throws Refused, SQLException {
        JsonNode n = req.get("job");
        long id;
        try {
            id = Long.parseLong(n == null ? "" : n.asText());
        } catch (NumberFormatException e) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "job id '" + (n == null ? "" : n.asText()) + "' is not a number");
        }
        return jobs.find(id).orElseThrow(() -> new Refused(AgentProtocol.EXIT_FAILED, "job " + id + " does not exist"));
    }

    private JobRecord owned(ObjectNode req, UserAccount caller) throws Refused, SQLException {
        JobRecord j = job(req);
        if (!caller.isRoot() && caller.uid() != j.ownerUid()) {
            throw new Refused(AgentProtocol.EXIT_FAILED, "job " + j.id() + " belongs to " + j.ownerName()
                    + "; only its owner or root may " + req.path("op").asText() + " it (caller is " + caller.name() + ")");
        }
        return j;
    }

    private static String text(ObjectNode req, String field) throws Refused {
        JsonNode n = req.get(field);
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            throw new Refused(AgentProtocol.EXIT_USAGE, "request lacks '" + field + "'");
        }
        return n.asText();
    }

    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }
}
