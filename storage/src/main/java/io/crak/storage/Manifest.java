package io.crak.storage;

import java.util.List;
import java.util.Map;

/**
 * The manifest of one committed generation ({@code manifest.json}); its layout is documented in
 * docs/storage-format.md. Read back only through {@link ManifestCodec}, which checks
 * {@link #format} and {@link #version}.
 *
 * @param format       always {@link ManifestCodec#FORMAT}
 * @param version      the on-disk format version, {@link ManifestCodec#VERSION}
 * @param job          the job name
 * @param generation   the generation number (also the directory's name)
 * @param time         ISO-8601 instant the job was frozen
 * @param committedAt  ISO-8601 instant the generation was published
 * @param host         node the checkpoint was taken on
 * @param kernel       that node's kernel release
 * @param processes    pids held by the checkpoint
 * @param labels       caller-supplied string fields
 * @param parent       the generation this one is incremental to, or null for a full one
 * @param compression  "none" or "zstd"
 * @param blockBytes   block size of the block index and of incremental references
 * @param logicalBytes sum of all entry sizes (what a restore reads)
 * @param storedBytes  entry bytes held by this generation's archive before compression
 * @param archives     the archive files with size and SHA-256
 * @param blockIndex   the block-hash file with size and SHA-256
 * @param entries      every entry, in the order it was written
 */
public record Manifest(String format, int version, String job, long generation, String time, String committedAt,
                       String host, String kernel, List<Integer> processes, Map<String, String> labels,
                       Long parent, String compression, int blockBytes, long logicalBytes, long storedBytes,
                       List<StoredFile> archives, StoredFile blockIndex, List<Entry> entries) {

    public boolean incremental() {
        return parent != null;
    }

    /** Bytes on disk of the archives (after compression). */
    public long archiveBytes() {
        return archives.stream().mapToLong(StoredFile::bytes).sum();
    }

    /**
     * A file of the generation directory.
     *
     * @param name   file name inside the generation directory
     * @param bytes  exact size
     * @param sha256 lower-case hex SHA-256 of the whole file
     */
    public record StoredFile(String name, long bytes, String sha256) {
    }

    /**
     * One entry (opaque named byte stream).
     *
     * @param name        entry name as given by the writer
     * @param size        logical size in bytes
     * @param members     how many tar members of this generation's archive hold parts of it
     *                    (0: all of it is unchanged since the parent)
     * @param storedBytes bytes of it held in this generation's archive
     * @param firstBlock  index (in 32-byte hashes) of its first block hash in the block index
     */
    public record Entry(String name, long size, int members, long storedBytes, long firstBlock) {
    }
}
