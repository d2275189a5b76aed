package io.crak.core.image;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where a dump writes its images: a sequence of named entries whose size is known before their
 * data is written (as a tar header needs). A directory, a tar archive on shared storage, or
 * anything else that can take a stream. The engine writes small metadata entries first and the
 * (large) page entries last, and {@link ImageSource} readers may rely on reading entries in the
 * order they were written.
 */
public interface ImageSink extends AutoCloseable {
    /**
     * Starts an entry of exactly {@code size} bytes. The returned stream must be closed before the
     * next entry is started; writing more or fewer bytes than {@code size} is an error.
     */
    OutputStream entry(String name, long size) throws IOException;

    /** Convenience for small entries already in memory. */
    default void write(String name, byte[] data) throws IOException {
        try (OutputStream out = entry(name, data.length)) {
            out.write(data);
        }
    }

    @Override
    void close() throws IOException;
}
