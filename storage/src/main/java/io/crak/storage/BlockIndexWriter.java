package io.crak.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;

/**
 * Writes {@code blocks.sha256}: the SHA-256 of every 4 KiB block of every entry, in entry order,
 * 32 raw bytes each. The next incremental generation compares its blocks against these.
 */
final class BlockIndexWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 256 * 1024;
    private final FileChannel channel;
    private final MessageDigest fileDigest = Sha256.newDigest();
    private final OutputStream out;
    private long blocks;

    BlockIndexWriter(Path file) throws IOException {
        channel = DurableFiles.createPrivateFile(file);
        out = new BufferedOutputStream(new DigestOutputStream(Channels.newOutputStream(channel), fileDigest), BUFFER_BYTES);
    }

    /** Index of the next block hash to be written. */
    long nextBlock() {
        return blocks;
    }

    void add(byte[] blockHash) throws IOException {
        out.write(blockHash, 0, Sha256.BYTES);
        blocks++;
    }

    /** Flushes and fsyncs; returns the file's SHA-256. */
    String finish() throws IOException {
        out.flush();
        channel.force(true);
        return Sha256.hex(fileDigest.digest());
    }

    long bytes() {
        return blocks * Sha256.BYTES;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
