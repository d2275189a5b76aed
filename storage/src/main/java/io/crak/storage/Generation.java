package io.crak.storage;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A committed generation of a job: its directory and decoded manifest.
 *
 * @param job      the job name
 * @param number   the generation number
 * @param dir      its directory ({@code ROOT/JOB/gen-NNNNNNNNNNNN})
 * @param manifest its manifest
 */
public record Generation(String job, long number, Path dir, Manifest manifest) {
    public boolean incremental() {
        return manifest.incremental();
    }

    public Instant time() {
        return Instant.parse(manifest.time());
    }

    Path file(String name) {
        return dir.resolve(name);
    }
}
