package io.crak.storage;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of looking for a job's latest consistent generation.
 *
 * @param latest  the newest generation that verifies, with its chain, if any
 * @param skipped one line per newer generation that did not verify, naming it and why
 */
public record ConsistentScan(Optional<Generation> latest, List<String> skipped) {
    public ConsistentScan {
        skipped = List.copyOf(skipped);
    }
}
