package io.crak.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A job as stored in CRAK_JOBS.
 *
 * @param epoch the fence: bumped whenever the job is given to a node or taken away from one; a
 *     node may act on the job (run, checkpoint, finish it) only while the row still carries the
 *     epoch it was given
 * @param node the node it is placed on (empty while waiting or finished)
 * @param generation the newest generation accepted for it
 * @param restoreFrom the generation the next start restores ({@link #LATEST}: the newest
 *     accepted one, {@link #FROM_START}: none, start afresh)
 * @param targetNode a node the next placement must choose (migrate, requeue --node)
 * @param request an operation waiting for the owning node's agent
 */
public record JobRecord(long id, String name, int ownerUid, String ownerName, JobState state,
        Optional<String> node, long nodeIncarnation, long epoch, int slots, int priority,
        RequeuePolicy requeue, Path storageRoot, List<String> command, Path cwd, Duration checkpointEvery,
        Instant submittedAt, Optional<Instant> startedAt, Optional<Instant> lastCheckpointAt,
        Optional<Long> generation, long restoreFrom, Optional<String> targetNode,
        Optional<JobRequest> request, Optional<String> requestNode, int startAttempts,
        Optional<Integer> exitStatus, String reason) {
    public static final long LATEST = -1;
    public static final long FROM_START = 0;

    /** The job's name in the checkpoint repository and its directory on shared storage. */
    public String storageName() {
        return "job-" + id;
    }

    /** Where the job's stdout and stderr files live. */
    public Path jobDirectory() {
        return storageRoot.resolve("jobs").resolve(storageName());
    }
}
