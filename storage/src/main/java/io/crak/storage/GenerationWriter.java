package io.crak.storage;

import io.crak.core.image.ImageSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one generation of a job: an {@link ImageSink} whose entries stream straight into the
 * generation's tar archive (memory stays bounded by one 4 KiB block plus, for incremental
 * generations, one {@value #SEGMENT_BYTES}-byte segment). Nothing is visible to readers until
 * {@link #commit()}: archive, block index and manifest are written and fsync'ed in a temporary
 * directory that one rename publishes. {@link #abort()} or {@link #close()} without commit
 * deletes the temporary directory; a writer killed outright leaves it for
 * {@link CheckpointRepository#removeAbandoned}.
 */
public final class GenerationWriter implements ImageSink {
    /** Block size of the block index and of incremental references. */
    public static final int BLOCK_BYTES = 4096;
    /** Largest run of changed blocks an incremental generation buffers before writing it out. */
    public static final int SEGMENT_BYTES = 4 << 20;

    private enum State { OPEN, FAILED, COMMITTED, ABORTED }

    private final StorageConfig config;
    private final String job;
    private final long generation;
    private final GenerationInfo info;
    private final Compression compression;
    private final Path jobDir;
    private final Path tempDir;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ArchiveWriter archive;
    private final BlockIndexWriter blocks;
    private final Generation parent;
    private final Map<String, Manifest.Entry> parentEntries = new HashMap<>();
    private final BlockIndexReader parentBlocks;
    private final List<Manifest.Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private State state = State.OPEN;
    private OutputStream openEntry;
    private long logicalBytes;
    private long storedBytes;

    GenerationWriter(StorageConfig config, Path jobDir, String job, long generation, GenerationInfo info,
                     Generation parent) throws IOException {
        this.config = config;
        this.job = job;
        this.generation = generation;
        this.info = info;
        this.compression = config.compression();
        this.jobDir = jobDir;
        this.parent = parent;
        String tempName = RepositoryLayout.TEMP_PREFIX + RepositoryLayout.generationDirName(generation) + "-"
                + java.util.UUID.randomUUID();
        this.tempDir = jobDir.resolve(tempName);
        this.lockFile = jobDir.resolve(tempName + RepositoryLayout.LOCK_SUFFIX);
        // the lock exists before the directory, so a cleaner never sees an unlocked live writer
        this.lockChannel = DurableFiles.createPrivateFile(lockFile);
        FileLock l = null;
        ArchiveWriter a = null;
        BlockIndexWriter b = null;
        BlockIndexReader p = null;
        try {
            l = lockChannel.lock();
            DurableFiles.createPrivateDirectory(tempDir);
            a = new ArchiveWriter(tempDir.resolve(compression.archiveName()), config, compression, info.time());
            b = new BlockIndexWriter(tempDir.resolve(RepositoryLayout.BLOCK_INDEX));
            if (parent != null) {
                for (Manifest.Entry e : parent.manifest().entries()) {
                    parentEntries.put(e.name(), e);
                }
                p = new BlockIndexReader(parent.file(parent.manifest().blockIndex().name()));
            }
        } catch (IOException e) {
            closeQuietly(a);
            closeQuietly(b);
            closeQuietly(p);
            DurableFiles.deleteTree(tempDir);
            Files.deleteIfExists(lockFile);
            lockChannel.close();
            throw failure("starting", tempDir, e);
        }
        this.lock = l;
        this.archive = a;
        this.blocks = b;
        this.parentBlocks = p;
    }

    public String job() {
        return job;
    }

    /** The number this generation gets when committed. */
    public long generation() {
        return generation;
    }

    /** True when blocks unchanged since {@link #parentGeneration()} are referenced, not stored. */
    public boolean incremental() {
        return parent != null;
    }

    /** The parent generation number, or -1 for a full generation. */
    public long parentGeneration() {
        return parent == null ? -1 : parent.number();
    }

    @Override
    public OutputStream entry(String name, long size) throws IOException {
        if (state != State.OPEN) {
            throw new StorageException(where() + ": cannot add entry " + name + ", the writer is " + state.name().toLowerCase());
        }
        if (openEntry != null) {
            throw new StorageException(where() + ": entry " + name + " started before the previous entry was closed");
        }
        try {
            EntryName.validate(name);
        } catch (IllegalArgumentException e) {
            throw new StorageException(where() + ": " + e.getMessage());
        }
        if (size < 0) {
            throw new StorageException(where() + ": entry " + name + " has negative size " + size);
        }
        if (!names.add(name)) {
            throw new StorageException(where() + ": entry " + name + " written twice");
        }
        Manifest.Entry inParent = parentEntries.get(name);
        try {
            openEntry = inParent == null ? new WholeEntry(name, size) : new DeltaEntry(name, size, inParent);
        } catch (IOException e) {
            state = State.FAILED;
            throw failure("starting entry " + name + " of", archive.file(), e);
        }
        return openEntry;
    }

    /**
     * Publishes the generation atomically and returns its number. On failure nothing is published,
     * the temporary files are removed and the previous generation stays the latest.
     */
    public long commit() throws IOException {
        if (state != State.OPEN || openEntry != null) {
            throw new StorageException(where() + ": cannot commit, the writer is "
                    + (openEntry != null ? "inside an entry" : state.name().toLowerCase()));
        }
        Path target = jobDir.resolve(RepositoryLayout.generationDirName(generation));
        Path step = archive.file();
        try {
            String archiveSha = archive.finish();
            archive.close();
            step = tempDir.resolve(RepositoryLayout.BLOCK_INDEX);
            String blocksSha = blocks.finish();
            blocks.close();
            Manifest m = new Manifest(ManifestCodec.FORMAT, ManifestCodec.VERSION, job, generation,
                    info.time().toString(), Instant.now().toString(), info.host(), info.kernel(),
                    info.processes(), info.labels(), parent == null ? null : parent.number(), compression.id(),
                    BLOCK_BYTES, logicalBytes, storedBytes,
                    List.of(new Manifest.StoredFile(compression.archiveName(), archive.fileBytes(), archiveSha)),
                    new Manifest.StoredFile(RepositoryLayout.BLOCK_INDEX, blocks.bytes(), blocksSha), entries);
            byte[] manifest = ManifestCodec.encode(m);
            step = tempDir.resolve(RepositoryLayout.MANIFEST);
            DurableFiles.writeDurably(step, manifest);
            step = tempDir.resolve(RepositoryLayout.MANIFEST_CHECKSUM);
            DurableFiles.writeDurably(step, (Sha256.of(manifest) + "  " + RepositoryLayout.MANIFEST + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            step = tempDir;
            DurableFiles.fsyncDirectory(tempDir);
            step = target;
            // the one step that makes the generation visible; fails if another writer took the number
            Files.move(tempDir, target, StandardCopyOption.ATOMIC_MOVE);
            state = State.COMMITTED;
            step = jobDir;
            DurableFiles.fsyncDirectory(jobDir);
        } catch (IOException e) {
            if (state != State.COMMITTED) {
                state = State.FAILED;
                abort();
            }
            throw failure("committing", step, e);
        } finally {
            if (state == State.COMMITTED) {
                releaseLock();
                closeQuietly(parentBlocks);
            }
        }
        return generation;
    }

    /** Discards everything written; nothing of this generation stays on storage. Idempotent. */
    public void abort() {
        if (state == State.COMMITTED || state == State.ABORTED) {
            return;
        }
        state = State.ABORTED;
        closeQuietly(archive);
        closeQuietly(blocks);
        closeQuietly(parentBlocks);
        try {
            DurableFiles.deleteTree(tempDir);
        } catch (IOException e) {
            // left for removeAbandoned; the lock is released below so it will see it as abandoned
        }
        releaseLock();
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }

    private void releaseLock() {
        try {
            Files.deleteIfExists(lockFile);
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases the lock anyway
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private String where() {
        return "job " + job + " generation " + generation;
    }

    private StorageException failure(String doing, Path path, IOException e) {
        if (e instanceof StorageException se) {
            return se;
        }
        return new StorageException(where() + ": " + doing + " " + path + " failed: " + ErrnoName.describe(e), e);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // best effort during cleanup
        }
    }

    /** Feeds entry bytes to per-block SHA-256 and hands complete blocks to {@link #onBlock}. */
    private abstract class EntryStream extends OutputStream {
        final String name;
        final long size;
        final long firstBlock;
        final MessageDigest blockDigest = Sha256.newDigest();
        long written;
        int blockFill;
        long blockIndex;
        int members;
        long stored;
        boolean closed;

        EntryStream(String name, long size) {
            this.name = name;
            this.size = size;
            this.firstBlock = blocks.nextBlock();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed || state != State.OPEN) {
                throw new StorageException(where() + ": entry " + name + " is closed or the writer failed");
            }
            if (len > size - written) {
                state = State.FAILED;
                throw new StorageException(where() + ": entry " + name + " exceeds its declared size " + size);
            }
            try {
                int done = 0;
                while (done < len) {
                    int n = Math.min(len - done, BLOCK_BYTES - blockFill);
                    accept(b, off + done, n);
                    blockFill += n;
                    done += n;
                    written += n;
                    if (blockFill == BLOCK_BYTES) {
                        endBlock();
                    }
                }
            } catch (IOException e) {
                state = State.FAILED;
                throw failure("writing entry " + name + " to", archive.file(), e);
            }
        }

        private void endBlock() throws IOException {
            byte[] hash = blockDigest.digest();
            blocks.add(hash);
            onBlock(hash, blockFill);
            blockIndex++;
            blockFill = 0;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            openEntry = null;
            if (state != State.OPEN) {
                return;
            }
            if (written != size) {
                state = State.FAILED;
                throw new StorageException(where() + ": entry " + name + " has " + written + " bytes, declared " + size);
            }
            try {
                if (blockFill > 0) {
                    endBlock();
                }
                finish();
            } catch (IOException e) {
                state = State.FAILED;
                throw failure("writing entry " + name + " to", archive.file(), e);
            }
            entries.add(new Manifest.Entry(name, size, members, stored, firstBlock));
            logicalBytes += size;
            storedBytes += stored;
        }

        /** Data of the current block, before it is complete. */
        abstract void accept(byte[] b, int off, int len) throws IOException;

        /** The current block is complete (or the entry's last, partial one). */
        abstract void onBlock(byte[] hash, int length) throws IOException;

        abstract void finish() throws IOException;
    }

    /** An entry the parent lacks (or any entry of a full generation): one member, streamed. */
    private final class WholeEntry extends EntryStream {
        WholeEntry(String name, long size) throws IOException {
            super(name, size);
            archive.beginMember(name, size);
            members = 1;
            stored = size;
        }

        @Override
        void accept(byte[] b, int off, int len) throws IOException {
            blockDigest.update(b, off, len);
            archive.write(b, off, len);
        }

        @Override
        void onBlock(byte[] hash, int length) {
        }

        @Override
        void finish() throws IOException {
            archive.endMember();
        }
    }

    /**
     * An entry the parent has: a block whose hash equals the parent's block at the same index is
     * referenced; runs of other blocks become members {@code NAME@OFFSET}.
     */
    private final class DeltaEntry extends EntryStream {
        private final Manifest.Entry inParent;
        private final long parentBlockCount;
        private final byte[] block = new byte[BLOCK_BYTES];
        private byte[] segment;
        private int segmentFill;
        private long segmentStart;

        DeltaEntry(String name, long size, Manifest.Entry inParent) {
            super(name, size);
            this.inParent = inParent;
            this.parentBlockCount = (inParent.size() + BLOCK_BYTES - 1) / BLOCK_BYTES;
        }

        @Override
        void accept(byte[] b, int off, int len) {
            blockDigest.update(b, off, len);
            System.arraycopy(b, off, block, blockFill, len);
        }

        @Override
        void onBlock(byte[] hash, int length) throws IOException {
            boolean unchanged = blockIndex < parentBlockCount
                    && parentBlocks.matches(inParent.firstBlock() + blockIndex, hash);
            if (unchanged) {
                flushSegment();
                return;
            }
            if (segment == null) {
                segment = new byte[(int) Math.min(SEGMENT_BYTES, roundUpToBlock(size))];
            }
            if (segmentFill == 0) {
                segmentStart = blockIndex * BLOCK_BYTES;
            }
            System.arraycopy(block, 0, segment, segmentFill, length);
            segmentFill += length;
            if (segmentFill == segment.length) {
                flushSegment();
            }
        }

        private void flushSegment() throws IOException {
            if (segmentFill == 0) {
                return;
            }
            archive.beginMember(EntryName.segment(name, segmentStart), segmentFill);
            archive.write(segment, 0, segmentFill);
            archive.endMember();
            members++;
            stored += segmentFill;
            segmentFill = 0;
        }

        @Override
        void finish() throws IOException {
            flushSegment();
        }
    }

    private static long roundUpToBlock(long n) {
        return Math.max(BLOCK_BYTES, (n + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES);
    }
}
