package io.crak.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CRAK_NODES: each agent's name, slots and standing. Membership itself is Quartz's (the
 * QRTZ_SCHEDULER_STATE check-ins); this table only records what Crak decided from it, so that
 * placement skips dead and draining nodes and a recovered node's previous life is told apart
 * from its current one by the incarnation.
 */
public final class NodeTable {
    private final Database db;
    private final Clock clock;

    public NodeTable(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Registers (or re-registers) an agent as UP with a new incarnation, which it returns. */
    public long register(String name, int slots) throws SQLException {
        long now = clock.millis();
        return db.inTransaction(c -> {
            Optional<NodeRecord> old = find(c, name);
            // strictly increasing even if the clock steps back
            long incarnation = Math.max(now, old.map(n -> n.incarnation() + 1).orElse(0L));
            String sql = old.isPresent()
                    ? "UPDATE CRAK_NODES SET SLOTS = ?, STATE = ?, INCARNATION = ?, SINCE = ? WHERE NAME = ?"
                    : "INSERT INTO CRAK_NODES (SLOTS, STATE, INCARNATION, SINCE, NAME) VALUES (?,?,?,?,?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, slots);
                ps.setString(2, NodeState.UP.name());
                ps.setLong(3, incarnation);
                ps.setLong(4, now);
                ps.setString(5, name);
                ps.executeUpdate();
            }
            return incarnation;
        });
    }

    /**
     * Changes a node's state if it is still in the incarnation the caller knows; false if the
     * node has since restarted (or was changed by someone else).
     */
    public boolean setState(String name, long incarnation, NodeState state) throws SQLException {
        return db.inTransaction(c -> setState(c, name, incarnation, state));
    }

    boolean setState(Connection c, String name, long incarnation, NodeState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE CRAK_NODES SET STATE = ?, SINCE = ?"
                + " WHERE NAME = ? AND INCARNATION = ?")) {
            ps.setString(1, state.name());
            ps.setLong(2, clock.millis());
            ps.setString(3, name);
            ps.setLong(4, incarnation);
            return ps.executeUpdate() == 1;
        }
    }

    public Optional<NodeRecord> find(String name) throws SQLException {
        return db.inTransaction(c -> find(c, name));
    }

    Optional<NodeRecord> find(Connection c, String name) throws SQLException {
        return select(c, "WHERE NAME = ?", name).stream().findFirst();
    }

    public List<NodeRecord> all() throws SQLException {
        return db.inTransaction(c -> all(c));
    }

    List<NodeRecord> all(Connection c) throws SQLException {
        return select(c, "ORDER BY NAME");
    }

    private List<NodeRecord> select(Connection c, String where, String... args) throws SQLException {
        List<NodeRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT NAME, SLOTS, STATE, INCARNATION, SINCE FROM CRAK_NODES " + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new NodeRecord(rs.getString(1), rs.getInt(2), NodeState.valueOf(rs.getString(3)),
                            rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
        }
        return out;
    }
}
