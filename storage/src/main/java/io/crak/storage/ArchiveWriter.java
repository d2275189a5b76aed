package io.crak.storage;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One POSIX (pax) tar archive written straight to its file, optionally through zstd. The SHA-256
 * is taken of the bytes as they reach the file, i.e. of the compressed archive that verification
 * later re-reads.
 */
final class ArchiveWriter implements AutoCloseable {
    static final int MEMBER_MODE = 0100600;
    private static final int FILE_BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest fileDigest = Sha256.newDigest();
    private final TarArchiveOutputStream tar;
    private final FileTime memberTime;
    private long fileBytes;
    private boolean finished;

    ArchiveWriter(Path file, StorageConfig config, Compression compression, Instant memberTime) throws IOException {
        this.file = file;
        // whole seconds: a fractional mtime would cost every member an extra pax header block
        this.memberTime = FileTime.from(memberTime.getEpochSecond(), java.util.concurrent.TimeUnit.SECONDS);
        this.channel = DurableFiles.createPrivateFile(file);
        OutputStream toFile = new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                fileBytes += len;
            }

            @Override
            public void close() throws IOException {
                // the channel outlives the stream chain: it is fsync'ed before it is closed
                out.flush();
            }
        };
        OutputStream chain = new BufferedOutputStream(new DigestOutputStream(toFile, fileDigest), FILE_BUFFER_BYTES);
        if (compression == Compression.ZSTD) {
            ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(chain, config.zstdLevel());
            if (config.zstdWorkers() > 0) {
                z.setWorkers(config.zstdWorkers());
            }
            chain = z;
        }
        tar = new TarArchiveOutputStream(chain, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    Path file() {
        return file;
    }

    /** Starts a member of exactly {@code size} bytes; write its data with {@link #write}. */
    void beginMember(String name, long size) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(size);
        e.setMode(MEMBER_MODE);
        e.setLastModifiedTime(memberTime);
        tar.putArchiveEntry(e);
    }

    void write(byte[] b, int off, int len) throws IOException {
        tar.write(b, off, len);
    }

    void endMember() throws IOException {
        tar.closeArchiveEntry();
    }

    /** Writes the end-of-archive records, flushes, fsyncs; returns the file's SHA-256. */
    String finish() throws IOException {
        finished = true;
        tar.close();
        channel.force(true);
        return Sha256.hex(fileDigest.digest());
    }

    long fileBytes() {
        return fileBytes;
    }

    @Override
    public void close() throws IOException {
        try {
            if (!finished) {
                finished = true;
                // releases zstd's native context; the half-written file is deleted by the caller
                tar.close();
            }
        } catch (IOException ignored) {
            // an archive being abandoned may fail to flush (e.g. ENOSPC); it is deleted anyway
        } finally {
            channel.close();
        }
    }
}
