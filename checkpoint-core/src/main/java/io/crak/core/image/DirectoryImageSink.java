package io.crak.core.image;

import java.nio.ByteBuffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes each entry as a file of an image directory ({@code crak dump --images DIR}). Files are
 * created mode 0600 because they hold full process memory. They are made durable together when the
 * sink is closed (the engine's commit): a dump with --leave-running lets the job go as soon as the
 * bytes are in the page cache, and pays for fsync afterwards.
 */
public final class DirectoryImageSink implements ImageSink {
    private final Path dir;
    private final java.util.List<Path> written = new java.util.ArrayList<>();

    public DirectoryImageSink(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    @Override
    public OutputStream entry(String name, long size) throws IOException {
        Path file = dir.resolve(name);
        this.written.add(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new ChannelOutputStream(Channels.newOutputStream(ch)) {
            long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                count(len);
                out.write(b, off, len);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                count(src.remaining());
                int n = 0;
                while (src.hasRemaining()) {
                    n += ch.write(src);
                }
                return n;
            }

            private void count(long len) throws IOException {
                written += len;
                if (written > size) {
                    throw new IOException("entry " + name + " exceeds its declared size " + size);
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void close() throws IOException {
                try {
                    if (written != size) {
                        throw new IOException("entry " + name + " has " + written + " bytes, declared " + size);
                    }
                } finally {
                    ch.close();
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        for (Path f : written) {
            try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                c.force(true);
            }
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
