package io.crak.cluster;

import java.time.Instant;
import java.util.Optional;

/** One recorded state change of a job. */
public record Transition(long jobId, Instant at, Optional<JobState> from, JobState to,
        Optional<String> node, long epoch, String reason) {
}
