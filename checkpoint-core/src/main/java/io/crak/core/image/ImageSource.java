package io.crak.core.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a restore reads images from. The engine opens entries in the order the dump wrote them,
 * each at most once, so a purely sequential reader (a compressed tar stream) is a valid source.
 */
public interface ImageSource extends AutoCloseable {
    /** Opens the named entry; fails with {@link java.io.FileNotFoundException} if absent. */
    InputStream entry(String name) throws IOException;

    default byte[] readAll(String name) throws IOException {
        try (InputStream in = entry(name)) {
            return in.readAllBytes();
        }
    }

    /**
     * The entry as a plain file of its own, when the source keeps it so (a directory of images),
     * so that a restored process can read its pages itself; empty for archives and streams.
     */
    default java.util.Optional<java.nio.file.Path> file(String name) {
        return java.util.Optional.empty();
    }

    /** A human-readable description for error messages ("images /x/y", "archive z.tar"). */
    String describe();

    @Override
    void close() throws IOException;
}
