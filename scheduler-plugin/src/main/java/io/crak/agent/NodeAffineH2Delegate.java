package io.crak.agent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.quartz.TriggerKey;
import org.quartz.impl.jdbcjobstore.StdJDBCDelegate;

/** Quartz's standard delegate (used for H2) with {@link NodeAffinity node-affine} acquisition. */
public class NodeAffineH2Delegate extends StdJDBCDelegate {
    @Override
    public List<TriggerKey> selectTriggerToAcquire(Connection conn, long noLaterThan, long noEarlierThan, int maxCount)
            throws SQLException {
        return NodeAffinity.select(conn, rtp(NodeAffinity.SELECT_NEXT_TRIGGER_TO_ACQUIRE), STATE_WAITING, instanceId,
                noLaterThan, noEarlierThan, maxCount);
    }
}
