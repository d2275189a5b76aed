package io.crak.storage;

import java.util.Locale;

/** How a generation's archive is compressed; chosen per generation and recorded in its manifest. */
public enum Compression {
    /** A plain POSIX tar file, {@code images.tar}. */
    NONE("none", "images.tar"),
    /** One zstd frame sequence around the whole tar, {@code images.tar.zst} ({@code tar --zstd}). */
    ZSTD("zstd", "images.tar.zst");

    private final String id;
    private final String archiveName;

    Compression(String id, String archiveName) {
        this.id = id;
        this.archiveName = archiveName;
    }

    /** The name used in manifests and on the command line. */
    public String id() {
        return id;
    }

    /** The archive's file name inside a generation directory. */
    public String archiveName() {
        return archiveName;
    }

    public static Compression parse(String id) {
        for (Compression c : values()) {
            if (c.id.equals(id.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("compression '" + id + "' is unknown (use none or zstd)");
    }
}
