package io.crak.cluster;

import java.time.Instant;

/**
 * A node agent as recorded in CRAK_NODES.
 *
 * @param incarnation grows each time an agent of this name starts, so the recovery of a node's
 *     previous life never touches what its current one does
 */
public record NodeRecord(String name, int slots, NodeState state, long incarnation, Instant since) {
}
