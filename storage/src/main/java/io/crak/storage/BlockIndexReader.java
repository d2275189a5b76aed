package io.crak.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads block hashes of a parent generation's {@code blocks.sha256} by position, through a small
 * window, so comparing a many-GiB entry never loads its whole hash list.
 */
final class BlockIndexReader implements AutoCloseable {
    private static final int WINDOW_HASHES = 4096;
    private final FileChannel channel;
    private final Path file;
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW_HASHES * Sha256.BYTES);
    private long windowFirst = -1;
    private int windowCount;

    BlockIndexReader(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /** True when the hash stored at {@code block} equals {@code hash}. */
    boolean matches(long block, byte[] hash) throws IOException {
        if (windowFirst < 0 || block < windowFirst || block >= windowFirst + windowCount) {
            load(block);
        }
        int at = (int) (block - windowFirst) * Sha256.BYTES;
        return Arrays.equals(window.array(), at, at + Sha256.BYTES, hash, 0, Sha256.BYTES);
    }

    private void load(long block) throws IOException {
        window.clear();
        long pos = block * Sha256.BYTES;
        while (window.hasRemaining()) {
            int n = channel.read(window, pos + window.position());
            if (n < 0) {
                break;
            }
        }
        windowCount = window.position() / Sha256.BYTES;
        windowFirst = block;
        if (windowCount == 0) {
            throw new StorageException("block index " + file + " ends before block " + block);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
