package io.crak.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the caller tells the repository about a checkpoint it is about to write; it all ends up
 * in the generation's manifest.
 *
 * @param time        when the job was frozen
 * @param processes   pids of every process the checkpoint holds
 * @param host        the node it was taken on
 * @param kernel      that node's kernel release
 * @param labels      free-form string fields (engine version, freezer used, ...)
 * @param incremental true to store only 4 KiB blocks that changed since the latest consistent
 *                    generation (falls back to a full generation when there is none, or when the
 *                    chain already holds {@link StorageConfig#maxIncrementalChain()} increments)
 */
public record GenerationInfo(Instant time, List<Integer> processes, String host, String kernel,
                             Map<String, String> labels, boolean incremental) {
    private static final Path KERNEL_RELEASE = Path.of("/proc/sys/kernel/osrelease");

    public GenerationInfo {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(kernel, "kernel");
        processes = List.copyOf(processes);
        labels = Map.copyOf(labels);
        for (int pid : processes) {
            if (pid <= 0) {
                throw new IllegalArgumentException("process id " + pid + " is not a valid pid");
            }
        }
    }

    /** Now, on this host and kernel, no processes listed, full. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Instant time = Instant.now();
        private List<Integer> processes = List.of();
        private String host = localHost();
        private String kernel = localKernel();
        private final Map<String, String> labels = new TreeMap<>();
        private boolean incremental;

        public Builder time(Instant t) {
            this.time = t;
            return this;
        }

        public Builder processes(List<Integer> pids) {
            this.processes = pids;
            return this;
        }

        public Builder host(String h) {
            this.host = h;
            return this;
        }

        public Builder kernel(String k) {
            this.kernel = k;
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder incremental(boolean inc) {
            this.incremental = inc;
            return this;
        }

        public GenerationInfo build() {
            return new GenerationInfo(time, processes, host, kernel, labels, incremental);
        }
    }

    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String localKernel() {
        try {
            return Files.readString(KERNEL_RELEASE).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
