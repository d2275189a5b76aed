package io.crak.cluster;

import java.time.Instant;

/**
 * A checkpoint generation the controller accepted for a job: committed to storage by the node
 * that owned the job under {@code epoch}. Only these are restored; a generation a fenced-off
 * (stale) node managed to write to storage is never used.
 */
public record GenerationRecord(long jobId, long generation, long epoch, String node, Instant committedAt) {
}
