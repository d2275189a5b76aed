package io.crak.storage;

import com.github.luben.zstd.Zstd;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Validated settings of a {@link CheckpointRepository}. Built with {@link #builder(Path)}; every
 * bad value is rejected with a message naming the setting, never clamped.
 *
 * @param root               the storage root; one directory per job below it
 * @param compression        compression of new generations (old ones keep theirs)
 * @param zstdLevel          zstd level when {@code compression == ZSTD}
 * @param zstdWorkers        zstd worker threads (0 = compress on the writing thread)
 * @param keepGenerations    how many newest generations retention keeps (plus whatever chains
 *                           and the latest consistent generation need)
 * @param maxIncrementalChain how many incremental generations may follow one full one before a
 *                           requested incremental generation is written full instead
 */
public record StorageConfig(Path root, Compression compression, int zstdLevel, int zstdWorkers,
                            int keepGenerations, int maxIncrementalChain) {
    /** {@code $XDG_DATA_HOME/crak}, else {@code ~/.local/share/crak}. */
    public static final Path DEFAULT_ROOT = defaultRoot();
    public static final int DEFAULT_KEEP_GENERATIONS = 3;
    public static final int DEFAULT_ZSTD_LEVEL = 3;
    public static final int DEFAULT_ZSTD_WORKERS = 0;
    public static final int MAX_ZSTD_WORKERS = 200;
    public static final int DEFAULT_MAX_INCREMENTAL_CHAIN = 8;

    public StorageConfig {
        Objects.requireNonNull(root, "storage root");
        Objects.requireNonNull(compression, "compression");
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("storage root " + root + " must be an absolute path");
        }
        if (zstdLevel < Zstd.minCompressionLevel() || zstdLevel > Zstd.maxCompressionLevel() || zstdLevel == 0) {
            throw new IllegalArgumentException("zstd level " + zstdLevel + " is outside "
                    + Zstd.minCompressionLevel() + ".." + Zstd.maxCompressionLevel() + " (0 excluded)");
        }
        if (zstdWorkers < 0 || zstdWorkers > MAX_ZSTD_WORKERS) {
            throw new IllegalArgumentException("zstd workers " + zstdWorkers + " is outside 0.." + MAX_ZSTD_WORKERS);
        }
        if (keepGenerations < 1) {
            throw new IllegalArgumentException("keep " + keepGenerations + " generations: must keep at least 1");
        }
        if (maxIncrementalChain < 0) {
            throw new IllegalArgumentException("max incremental chain " + maxIncrementalChain + " must be >= 0");
        }
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** A config with every default, on {@code root}. */
    public static StorageConfig defaults(Path root) {
        return builder(root).build();
    }

    private static Path defaultRoot() {
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "crak");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "crak");
    }

    public static final class Builder {
        private final Path root;
        private Compression compression = Compression.NONE;
        private int zstdLevel = DEFAULT_ZSTD_LEVEL;
        private int zstdWorkers = DEFAULT_ZSTD_WORKERS;
        private int keepGenerations = DEFAULT_KEEP_GENERATIONS;
        private int maxIncrementalChain = DEFAULT_MAX_INCREMENTAL_CHAIN;

        private Builder(Path root) {
            this.root = root;
        }

        public Builder compression(Compression c) {
            this.compression = c;
            return this;
        }

        public Builder zstdLevel(int level) {
            this.zstdLevel = level;
            return this;
        }

        public Builder zstdWorkers(int workers) {
            this.zstdWorkers = workers;
            return this;
        }

        public Builder keepGenerations(int keep) {
            this.keepGenerations = keep;
            return this;
        }

        public Builder maxIncrementalChain(int max) {
            this.maxIncrementalChain = max;
            return this;
        }

        public StorageConfig build() {
            return new StorageConfig(root, compression, zstdLevel, zstdWorkers, keepGenerations, maxIncrementalChain);
        }
    }
}
