package io.crak.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Crak's job rows and their transitions. Every state change is one fenced UPDATE (it names the
 * state(s) and, for a node's own actions, the epoch it expects) plus its CRAK_TRANSITIONS row in
 * the same transaction: a change that lost a race changes nothing and returns false.
 */
public final class JobTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON_LENGTH = 1000;

    private final Database db;
    private final Clock clock;

    public JobTable(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Database database() {
        return db;
    }

    /** Stores a new PENDING job and returns its id. */
    public long insert(JobSpec spec, int ownerUid, String ownerName) throws SQLException {
        long now = clock.millis();
        return db.inTransaction(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO CRAK_JOBS (NAME, OWNER_UID, OWNER_NAME, STATE,"
                    + " NODE_INCARNATION, EPOCH, SLOTS, PRIORITY, REQUEUE, STORAGE_ROOT, COMMAND, CWD, CHECKPOINT_EVERY_MS,"
                    + " SUBMITTED_AT, RESTORE_FROM, START_ATTEMPTS, REASON) VALUES (?,?,?,?,0,0,?,?,?,?,?,?,?,?,?,0,?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, spec.name());
                ps.setInt(2, ownerUid);
                ps.setString(3, ownerName);
                ps.setString(4, JobState.PENDING.name());
                ps.setInt(5, spec.slots());
                ps.setInt(6, spec.priority());
                ps.setString(7, spec.requeue().name());
                ps.setString(8, spec.storageRoot().toString());
                ps.setString(9, toJson(spec.command()));
                ps.setString(10, spec.cwd().toString());
                ps.setLong(11, spec.checkpointEvery().toMillis());
                ps.setLong(12, now);
                ps.setLong(13, JobRecord.LATEST);
                ps.setString(14, "submitted by " + ownerName);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            recordTransition(c, id, null, JobState.PENDING, null, 0, "submitted by " + ownerName + " (uid " + ownerUid + ")");
            return id;
        });
    }

    public Optional<JobRecord> find(long id) throws SQLException {
        return db.inTransaction(c -> find(c, id));
    }

    Optional<JobRecord> find(Connection c, long id) throws SQLException {
        List<JobRecord> l = select(c, "WHERE ID = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    public List<JobRecord> all() throws SQLException {
        return db.inTransaction(c -> select(c, "ORDER BY ID"));
    }

    /** Jobs that hold slots on {@code node}. */
    public List<JobRecord> onNode(String node) throws SQLException {
        return db.inTransaction(c -> onNode(c, node));
    }

    List<JobRecord> onNode(Connection c, String node) throws SQLException {
        return select(c, "WHERE NODE = ? AND STATE IN " + inList(JobState.ON_NODE) + " ORDER BY ID", node);
    }

    /**
     * Jobs waiting for placement, most urgent first: higher priority, then submitted earlier.
     * A job whose last start failed waits until its NOT_BEFORE time (a restore that failed because
     * a presumed-dead node still holds the job's pids may well succeed a little later).
     */
    List<JobRecord> waiting(Connection c) throws SQLException {
        return select(c, "WHERE STATE IN " + inList(JobState.WAITING) + " AND (NOT_BEFORE IS NULL OR NOT_BEFORE <= ?)"
                + " ORDER BY PRIORITY DESC, SUBMITTED_AT, ID", clock.millis());
    }

    List<JobRecord> allOnNodes(Connection c) throws SQLException {
        return select(c, "WHERE STATE IN " + inList(JobState.ON_NODE) + " ORDER BY ID");
    }

    public List<Transition> transitions(long jobId) throws SQLException {
        return db.inTransaction(c -> {
            List<Transition> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT AT, FROM_STATE, TO_STATE, NODE, EPOCH, REASON"
                    + " FROM CRAK_TRANSITIONS WHERE JOB_ID = ? ORDER BY SEQ")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Transition(jobId, Instant.ofEpochMilli(rs.getLong(1)),
                                Optional.ofNullable(rs.getString(2)).map(JobState::valueOf), JobState.valueOf(rs.getString(3)),
                                Optional.ofNullable(rs.getString(4)), rs.getLong(5), rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    /** Accepted generations of a job, newest first. */
    public List<GenerationRecord> generations(long jobId) throws SQLException {
        return db.inTransaction(c -> {
            List<GenerationRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT GENERATION, EPOCH, NODE, COMMITTED_AT"
                    + " FROM CRAK_GENERATIONS WHERE JOB_ID = ? ORDER BY GENERATION DESC")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new GenerationRecord(jobId, rs.getLong(1), rs.getLong(2), rs.getString(3),
                                Instant.ofEpochMilli(rs.getLong(4))));
                    }
                }
            }
            return out;
        });
    }

    /**
     * A fenced state change. Applies only if the job is in one of {@code from} and, when
     * {@code epoch} is non-null, still carries that epoch. {@code set} holds further columns.
     * When {@code bumpEpoch}, the epoch grows by one, which fences off whichever node held it.
     */
    public boolean transition(long id, Set<JobState> from, Long epoch, JobState to, boolean bumpEpoch,
            Map<String, Object> set, String reason) throws SQLException {
        return db.inTransaction(c -> transition(c, id, from, epoch, to, bumpEpoch, set, reason));
    }

    boolean transition(Connection c, long id, Set<JobState> from, Long epoch, JobState to, boolean bumpEpoch,
            Map<String, Object> set, String reason) throws SQLException {
        Optional<JobRecord> before = find(c, id);
        if (before.isEmpty() || !from.contains(before.get().state())
                || (epoch != null && before.get().epoch() != epoch)) {
            return false;
        }
        Map<String, Object> cols = new LinkedHashMap<>(set);
        cols.put("STATE", to.name());
        cols.put("REASON", clip(reason));
        String assignments = cols.keySet().stream().map(k -> k + " = ?").collect(Collectors.joining(", "));
        String sql = "UPDATE CRAK_JOBS SET " + assignments + (bumpEpoch ? ", EPOCH = EPOCH + 1" : "")
                + " WHERE ID = ? AND EPOCH = ? AND STATE = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object v : cols.values()) {
                bind(ps, i++, v);
            }
            ps.setLong(i++, id);
            ps.setLong(i++, before.get().epoch());
            ps.setString(i, before.get().state().name());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        long newEpoch = before.get().epoch() + (bumpEpoch ? 1 : 0);
        Object node = cols.containsKey("NODE") ? cols.get("NODE") : before.get().node().orElse(null);
        recordTransition(c, id, before.get().state(), to, node instanceof String s ? s : null, newEpoch, reason);
        return true;
    }

    /** Sets columns without a state change (requests, checkpoint times), fenced like a transition. */
    public boolean update(long id, Set<JobState> in, Long epoch, Map<String, Object> set) throws SQLException {
        return db.inTransaction(c -> {
            String assignments = set.keySet().stream().map(k -> k + " = ?").collect(Collectors.joining(", "));
            String sql = "UPDATE CRAK_JOBS SET " + assignments + " WHERE ID = ? AND STATE IN " + inList(in)
                    + (epoch == null ? "" : " AND EPOCH = ?");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object v : set.values()) {
                    bind(ps, i++, v);
                }
                ps.setLong(i++, id);
                if (epoch != null) {
                    ps.setLong(i, epoch);
                }
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Accepts a committed generation for a job, only if {@code epoch} is still the job's: a node
     * that lost the job cannot make its late checkpoint the one restarts use.
     */
    public boolean acceptGeneration(long id, long epoch, long generation, String node) throws SQLException {
        long now = clock.millis();
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE CRAK_JOBS SET GENERATION = ?, LAST_CHECKPOINT_AT = ?"
                    + " WHERE ID = ? AND EPOCH = ? AND NODE = ? AND STATE IN " + inList(JobState.ON_NODE))) {
                ps.setLong(1, generation);
                ps.setLong(2, now);
                ps.setLong(3, id);
                ps.setLong(4, epoch);
                ps.setString(5, node);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO CRAK_GENERATIONS (JOB_ID, GENERATION, EPOCH, NODE,"
                    + " COMMITTED_AT) VALUES (?,?,?,?,?)")) {
                ps.setLong(1, id);
                ps.setLong(2, generation);
                ps.setLong(3, epoch);
                ps.setString(4, node);
                ps.setLong(5, now);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Forgets an accepted generation that storage no longer verifies (torn or removed). */
    public void rejectGeneration(long id, long generation) throws SQLException {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM CRAK_GENERATIONS WHERE JOB_ID = ? AND GENERATION = ?")) {
                ps.setLong(1, id);
                ps.setLong(2, generation);
                ps.executeUpdate();
            }
            return null;
        });
    }

    void recordTransition(Connection c, long id, JobState from, JobState to, String node, long epoch, String reason)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CRAK_TRANSITIONS (JOB_ID, AT, FROM_STATE, TO_STATE,"
                + " NODE, EPOCH, REASON) VALUES (?,?,?,?,?,?,?)")) {
            ps.setLong(1, id);
            ps.setLong(2, clock.millis());
            ps.setString(3, from == null ? null : from.name());
            ps.setString(4, to.name());
            ps.setString(5, node);
            ps.setLong(6, epoch);
            ps.setString(7, clip(reason));
            ps.executeUpdate();
        }
    }

    private List<JobRecord> select(Connection c, String where, Object... args) throws SQLException {
        List<JobRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ID, NAME, OWNER_UID, OWNER_NAME, STATE, NODE,"
                + " NODE_INCARNATION, EPOCH, SLOTS, PRIORITY, REQUEUE, STORAGE_ROOT, COMMAND, CWD, CHECKPOINT_EVERY_MS,"
                + " SUBMITTED_AT, STARTED_AT, LAST_CHECKPOINT_AT, GENERATION, RESTORE_FROM, TARGET_NODE, REQUEST,"
                + " REQUEST_NODE, START_ATTEMPTS, EXIT_STATUS, REASON FROM CRAK_JOBS " + where)) {
            for (int i = 0; i < args.length; i++) {
                bind(ps, i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobRecord(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                            JobState.valueOf(rs.getString(5)), Optional.ofNullable(rs.getString(6)), rs.getLong(7),
                            rs.getLong(8), rs.getInt(9), rs.getInt(10), RequeuePolicy.valueOf(rs.getString(11)),
                            Path.of(rs.getString(12)), fromJson(rs.getString(13)), Path.of(rs.getString(14)),
                            Duration.ofMillis(rs.getLong(15)), Instant.ofEpochMilli(rs.getLong(16)), instant(rs, 17),
                            instant(rs, 18), optLong(rs, 19), rs.getLong(20), Optional.ofNullable(rs.getString(21)),
                            Optional.ofNullable(rs.getString(22)).map(JobRequest::valueOf),
                            Optional.ofNullable(rs.getString(23)), rs.getInt(24),
                            optLong(rs, 25).map(Long::intValue), rs.getString(26)));
                }
            }
        }
        return out;
    }

    static String inList(Set<JobState> states) {
        return states.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "(", ")"));
    }

    private static Optional<Instant> instant(ResultSet rs, int col) throws SQLException {
        return optLong(rs, col).map(Instant::ofEpochMilli);
    }

    private static Optional<Long> optLong(ResultSet rs, int col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL); // untyped: PostgreSQL infers the column type
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Integer n) {
            ps.setInt(i, n);
        } else if (v instanceof Enum<?> e) {
            ps.setString(i, e.name());
        } else {
            ps.setString(i, v.toString());
        }
    }

    private static String clip(String reason) {
        String oneLine = reason.replace('\n', ' ');
        return oneLine.length() <= MAX_REASON_LENGTH ? oneLine : oneLine.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }

    private static String toJson(List<String> command) {
        try {
            return JSON.writeValueAsString(command);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("command " + command + " cannot be written as JSON", e);
        }
    }

    private static List<String> fromJson(String text) {
        try {
            return JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored command '" + text + "' is not a JSON string array", e);
        }
    }
}
