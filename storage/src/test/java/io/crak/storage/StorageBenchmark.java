package io.crak.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints storage throughput figures (not a test): a 1 GiB checkpoint written plain and with
 * zstd, against {@code dd} of the same size into the same directory; the size of an incremental
 * generation when 5% of the blocks changed; restore-side read throughput. Run with
 * {@code storage/bench.sh [DIR]} (a small heap on purpose: memory must stay bounded).
 */
public final class StorageBenchmark {
    private static final long GIB = 1L << 30;
    private static final int PAGE_ENTRIES = 16;

    private StorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/var/tmp/crak-bench").toAbsolutePath();
        DurableFiles.deleteTree(dir);
        Files.createDirectories(dir);
        SyntheticImages v0 = new SyntheticImages(1, 0, PAGE_ENTRIES, GIB / PAGE_ENTRIES, 5);
        double total = v0.totalBytes();
        System.out.printf("checkpoint: %d entries, %.3f GiB; heap max %d MiB; dir %s%n", v0.names().size(),
                total / GIB, Runtime.getRuntime().maxMemory() >> 20, dir);

        long t = System.nanoTime();
        long sink = 0;
        byte[] buf = new byte[1 << 20];
        for (int i = 0; i < v0.names().size(); i++) {
            for (long pos = 0; pos < v0.size(i); pos += buf.length) {
                v0.fill(i, pos, buf, (int) Math.min(buf.length, v0.size(i) - pos));
                sink += buf[0];
            }
        }
        report("synthetic data generation alone", total, t, "(" + sink % 2 + ")");

        List<String> dd = List.of("dd", "if=/dev/zero", "of=" + dir.resolve("dd.bin"), "bs=1M",
                "count=" + (long) Math.ceil(total / (1 << 20)), "conv=fsync");
        t = System.nanoTime();
        ExternalCommand.run(null, dd).expectSuccess(dd);
        report("dd bs=1M conv=fsync (same size, same dir)", total, t, "");
        Files.delete(dir.resolve("dd.bin"));

        for (Compression c : Compression.values()) {
            for (int workers : c == Compression.ZSTD ? new int[] {0, 2} : new int[] {0}) {
                String job = "bench-" + c.id() + "-w" + workers;
                CheckpointRepository repo = CheckpointRepository.open(StorageConfig.builder(dir)
                        .compression(c).zstdWorkers(workers).build());
                t = System.nanoTime();
                Generation full = write(repo, job, v0, false);
                report("write full, " + c.id() + (c == Compression.ZSTD ? " level 3 workers " + workers : ""), total, t,
                        String.format("archive %.1f MiB", full.manifest().archiveBytes() / 1048576.0));
                if (workers != 0) {
                    continue;
                }
                SyntheticImages v1 = v0.withVersion(1);
                t = System.nanoTime();
                Generation inc = write(repo, job, v1, true);
                report("write incremental (5% of blocks changed), " + c.id(), total, t,
                        String.format("stores %.1f MiB, archive %.1f MiB = %.1f%% of the full archive",
                                inc.manifest().storedBytes() / 1048576.0, inc.manifest().archiveBytes() / 1048576.0,
                                100.0 * inc.manifest().archiveBytes() / full.manifest().archiveBytes()));
                dropCaches();
                t = System.nanoTime();
                VerifyReport r = repo.verify(job, full.number());
                report("verify full (SHA-256 of archive and block index), " + c.id(), total, t, r.ok() ? "ok" : "FAILED");
                for (Generation g : List.of(full, inc)) {
                    dropCaches();
                    t = System.nanoTime();
                    long read = readAll(repo, job, g.number());
                    report("restore-side read of " + (g.incremental() ? "incremental" : "full") + " incl. verify, "
                            + c.id(), read, t, "");
                }
            }
        }
        DurableFiles.deleteTree(dir);
    }

    private static Generation write(CheckpointRepository repo, String job, SyntheticImages images, boolean incremental)
            throws IOException {
        try (GenerationWriter w = repo.begin(job, GenerationInfo.builder().incremental(incremental).build())) {
            images.writeTo(w);
            long n = w.commit();
            return GenerationVerifier.readManifest(repo.config().root().resolve(job), job, n);
        }
    }

    private static long readAll(CheckpointRepository repo, String job, long generation) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 20];
        try (GenerationReader src = repo.open(job, generation)) {
            for (String name : src.entryNames()) {
                try (InputStream in = src.entry(name)) {
                    for (int r; (r = in.read(buf)) > 0; ) {
                        n += r;
                    }
                }
            }
        }
        return n;
    }

    /** Cold reads, when the host allows it (root); otherwise figures are page-cache reads. */
    private static void dropCaches() {
        try {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            System.out.println("  (cannot drop page cache: " + e.getMessage() + "; reads may be cached)");
        }
    }

    private static void report(String what, double bytes, long startNanos, String extra) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-70s %6.2f s %8.1f MiB/s  %s%n", what, s, bytes / 1048576.0 / s, extra);
    }
}
