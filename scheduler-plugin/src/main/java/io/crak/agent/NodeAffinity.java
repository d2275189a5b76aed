package io.crak.agent;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.quartz.TriggerKey;

/**
 * Quartz triggers that must fire on one particular node. Quartz clustering hands a due trigger to
 * whichever instance asks first; Crak's checkpoint and node-watch triggers must fire where the
 * job (or the node) is. Such triggers live in trigger group {@code node:<name>}, and Crak's
 * driver delegates add one condition to Quartz's "next triggers to acquire" query: a trigger of
 * a {@code node:} group is acquired only by the instance of that name. Everything else (misfires,
 * recovery, locking) stays Quartz's own.
 */
public final class NodeAffinity {
    public static final String GROUP_PREFIX = "node:";

    /** Quartz's SELECT_NEXT_TRIGGER_TO_ACQUIRE plus the affinity condition; {0} and {1} as in Quartz. */
    static final String SELECT_NEXT_TRIGGER_TO_ACQUIRE = "SELECT TRIGGER_NAME, TRIGGER_GROUP, NEXT_FIRE_TIME, PRIORITY"
            + " FROM {0}TRIGGERS WHERE SCHED_NAME = {1} AND TRIGGER_STATE = ? AND NEXT_FIRE_TIME <= ?"
            + " AND (MISFIRE_INSTR = -1 OR (MISFIRE_INSTR <> -1 AND NEXT_FIRE_TIME >= ?))"
            // bound, not inlined: Quartz's rtp() runs the text through MessageFormat, which eats quotes
            + " AND (TRIGGER_GROUP NOT LIKE ? OR TRIGGER_GROUP = ?)"
            + " ORDER BY NEXT_FIRE_TIME ASC, PRIORITY DESC";

    private NodeAffinity() {
    }

    /** The trigger group whose triggers only {@code node} fires. */
    public static String group(String node) {
        return GROUP_PREFIX + node;
    }

    /** Runs the affine acquisition query; {@code sql} is already table-prefix substituted. */
    static List<TriggerKey> select(Connection conn, String sql, String state, String instanceId, long noLaterThan,
            long noEarlierThan, int maxCount) throws SQLException {
        int max = Math.max(maxCount, 1);
        List<TriggerKey> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setMaxRows(max);
            ps.setFetchSize(max);
            ps.setString(1, state);
            ps.setBigDecimal(2, new BigDecimal(String.valueOf(noLaterThan)));
            ps.setBigDecimal(3, new BigDecimal(String.valueOf(noEarlierThan)));
            ps.setString(4, GROUP_PREFIX + "%");
            ps.setString(5, group(instanceId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < max) {
                    out.add(new TriggerKey(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }
}
