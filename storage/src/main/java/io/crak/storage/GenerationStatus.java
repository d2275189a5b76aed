package io.crak.storage;

import java.time.Instant;

/**
 * One row of {@code crak history}.
 *
 * @param generation   the generation number
 * @param time         when the job was frozen, or null if the manifest is unreadable
 * @param logicalBytes total size of its entries (what a restore reads), -1 if unknown
 * @param storedBytes  entry bytes held by its own archive before compression, -1 if unknown
 * @param archiveBytes bytes of its archives on disk, -1 if unknown
 * @param parent       parent generation of an incremental one, else null
 * @param compression  "none", "zstd", or null if unknown
 * @param verify       the verification result
 */
public record GenerationStatus(long generation, Instant time, long logicalBytes, long storedBytes,
                               long archiveBytes, Long parent, String compression, VerifyReport verify) {
    public boolean incremental() {
        return parent != null;
    }

    public boolean verified() {
        return verify.ok();
    }
}
