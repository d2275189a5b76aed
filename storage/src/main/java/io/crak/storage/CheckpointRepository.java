package io.crak.storage;

import io.crak.core.image.ImageSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The checkpoint repository on a storage root: one directory per job, one per committed
 * generation (see docs/storage-format.md).
 *
 * <pre>{@code
 * CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(root));
 * try (GenerationWriter w = repo.begin("job1", GenerationInfo.builder().processes(pids).build())) {
 *     engine.dump(w);          // w is an ImageSink
 *     long g = w.commit();     // atomic; close() without commit leaves nothing
 * }
 * Generation g = repo.latestConsistent("job1").orElseThrow();
 * try (ImageSource src = repo.open("job1", g.number())) { engine.restore(src); }
 * repo.applyRetention("job1");
 * }</pre>
 *
 * Safe for one writer per job at a time (the controller fences writers with generation numbers);
 * any number of readers. A second writer racing for the same number fails at commit, visibly.
 */
public final class CheckpointRepository {
    private final StorageConfig config;
    private final Consumer<String> skipListener;

    private CheckpointRepository(StorageConfig config, Consumer<String> skipListener) {
        this.config = config;
        this.skipListener = skipListener;
    }

    /** Opens (creating mode 0700 if needed) the repository; skipped generations go to stderr. */
    public static CheckpointRepository open(StorageConfig config) throws StorageException {
        return open(config, msg -> System.err.println("crak: " + msg));
    }

    /**
     * Opens the repository; {@code skipListener} receives one line for every generation that
     * {@link #latestConsistent} skips, naming it and why.
     */
    public static CheckpointRepository open(StorageConfig config, Consumer<String> skipListener) throws StorageException {
        try {
            DurableFiles.createPrivateDirectories(config.root());
        } catch (IOException e) {
            throw new StorageException("storage root " + config.root() + " cannot be created: " + ErrnoName.describe(e), e);
        }
        if (!Files.isDirectory(config.root())) {
            throw new StorageException("storage root " + config.root() + " is not a directory");
        }
        return new CheckpointRepository(config, skipListener);
    }

    /**
     * Opens an existing repository without creating anything (for read-only tools such as
     * {@code crak history}); fails if {@code config.root()} is not a directory.
     */
    public static CheckpointRepository openExisting(StorageConfig config) throws StorageException {
        if (!Files.isDirectory(config.root())) {
            throw new StorageException("storage root " + config.root() + " does not exist (use --storage DIR)");
        }
        return new CheckpointRepository(config, msg -> System.err.println("crak: " + msg));
    }

    public StorageConfig config() {
        return config;
    }

    /**
     * Starts a new generation of {@code job} (numbered one above the newest committed one). When
     * {@code info.incremental()} and a consistent generation exists whose chain is shorter than
     * {@link StorageConfig#maxIncrementalChain()}, the new generation is incremental to it.
     */
    public GenerationWriter begin(String job, GenerationInfo info) throws IOException {
        Path jobDir = jobDir(job);
        try {
            DurableFiles.createPrivateDirectories(jobDir);
        } catch (IOException e) {
            throw new StorageException("job " + job + ": creating " + jobDir + " failed: " + ErrnoName.describe(e), e);
        }
        List<Long> existing = generations(job);
        long number = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        Generation parent = null;
        if (info.incremental()) {
            GenerationVerifier verifier = new GenerationVerifier(jobDir, job);
            ConsistentScan scan = scan(job, existing, verifier);
            scan.skipped().forEach(skipListener);
            if (scan.latest().isPresent()) {
                VerifyReport r = verifier.verify(scan.latest().get().number());
                if (r.chain().size() - 1 < config.maxIncrementalChain()) {
                    parent = scan.latest().get();
                }
            }
        }
        return new GenerationWriter(config, jobDir, job, number, info, parent);
    }

    /** Committed generation numbers of {@code job}, ascending (verified or not). */
    public List<Long> generations(String job) throws StorageException {
        Path jobDir = jobDir(job);
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(jobDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(jobDir)) {
            for (Path p : ds) {
                OptionalLong n = RepositoryLayout.parseGenerationDir(p.getFileName().toString());
                if (n.isPresent()) {
                    out.add(n.getAsLong());
                }
            }
        } catch (IOException e) {
            throw new StorageException("job " + job + ": listing " + jobDir + " failed: " + ErrnoName.describe(e), e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Jobs that have a directory on this storage root. */
    public List<String> jobs() throws StorageException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(config.root(), Files::isDirectory)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                try {
                    out.add(JobName.validate(name));
                } catch (IllegalArgumentException e) {
                    // not a job directory
                }
            }
        } catch (IOException e) {
            throw new StorageException("listing storage root " + config.root() + " failed: " + ErrnoName.describe(e), e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * The newest generation that verifies (manifest, every archive, and its whole chain). Newer
     * generations that do not are reported to the skip listener, one line each.
     */
    public Optional<Generation> latestConsistent(String job) throws StorageException {
        ConsistentScan scan = scanConsistent(job);
        scan.skipped().forEach(skipListener);
        return scan.latest();
    }

    /** Like {@link #latestConsistent} but returns the skip messages instead of reporting them. */
    public ConsistentScan scanConsistent(String job) throws StorageException {
        return scan(job, generations(job), new GenerationVerifier(jobDir(job), job));
    }

    private ConsistentScan scan(String job, List<Long> numbers, GenerationVerifier verifier) {
        List<String> skipped = new ArrayList<>();
        for (int i = numbers.size() - 1; i >= 0; i--) {
            VerifyReport r = verifier.verify(numbers.get(i));
            if (r.ok()) {
                return new ConsistentScan(Optional.of(verifier.chain(r).get(0)), skipped);
            }
            skipped.add("skipping generation " + r.generation() + " of job " + job + ": " + r.problems().get(0));
        }
        return new ConsistentScan(Optional.empty(), skipped);
    }

    /**
     * Opens a generation for restore. The generation and every ancestor it depends on are fully
     * verified first; nothing is handed out from a generation that does not verify.
     */
    public GenerationReader open(String job, long generation) throws StorageException {
        GenerationVerifier verifier = new GenerationVerifier(jobDir(job), job);
        VerifyReport r = verifier.verify(generation);
        if (!r.ok()) {
            throw new StorageException("refusing to restore: " + r.problems().get(0));
        }
        return new GenerationReader(verifier.chain(r));
    }

    /** Verifies one generation and its chain. */
    public VerifyReport verify(String job, long generation) throws StorageException {
        return new GenerationVerifier(jobDir(job), job).verify(generation);
    }

    /** Every committed generation, oldest first, each verified. */
    public List<GenerationStatus> history(String job) throws StorageException {
        Path jobDir = jobDir(job);
        GenerationVerifier verifier = new GenerationVerifier(jobDir, job);
        List<GenerationStatus> out = new ArrayList<>();
        for (long n : generations(job)) {
            VerifyReport r = verifier.verify(n);
            Generation g = null;
            try {
                g = GenerationVerifier.readManifest(jobDir, job, n);
            } catch (StorageException e) {
                // reported through r
            }
            if (g == null) {
                out.add(new GenerationStatus(n, null, -1, -1, -1, null, null, r));
            } else {
                Manifest m = g.manifest();
                out.add(new GenerationStatus(n, Instant.parse(m.time()), m.logicalBytes(), m.storedBytes(),
                        m.archiveBytes(), m.parent(), m.compression(), r));
            }
        }
        return out;
    }

    /**
     * Deletes generations beyond the newest {@link StorageConfig#keepGenerations()}, but never the
     * latest consistent one nor any generation a kept one's incremental chain needs. Returns the
     * deleted numbers. Each deletion first renames the directory away (atomic, so readers never
     * see half a generation), then removes it.
     */
    public List<Long> applyRetention(String job) throws StorageException {
        Path jobDir = jobDir(job);
        List<Long> numbers = generations(job);
        Set<Long> keep = new HashSet<>(numbers.subList(Math.max(0, numbers.size() - config.keepGenerations()), numbers.size()));
        scanConsistent(job).latest().ifPresent(g -> keep.add(g.number()));
        List<Long> pending = new ArrayList<>(keep);
        while (!pending.isEmpty()) {
            long n = pending.remove(pending.size() - 1);
            try {
                Long parent = GenerationVerifier.readManifest(jobDir, job, n).manifest().parent();
                if (parent != null && keep.add(parent)) {
                    pending.add(parent);
                }
            } catch (StorageException e) {
                // an unreadable generation names no parent; it ages out like any other
            }
        }
        List<Long> deleted = new ArrayList<>();
        for (long n : numbers) {
            if (keep.contains(n)) {
                continue;
            }
            Path dir = jobDir.resolve(RepositoryLayout.generationDirName(n));
            Path doomed = jobDir.resolve(RepositoryLayout.DELETE_PREFIX + dir.getFileName() + "-" + UUID.randomUUID());
            try {
                Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
                DurableFiles.fsyncDirectory(jobDir);
                DurableFiles.deleteTree(doomed);
                deleted.add(n);
            } catch (NoSuchFileException e) {
                // deleted concurrently by another node's retention
            } catch (IOException e) {
                throw new StorageException("job " + job + ": deleting generation " + n + " (" + dir + ") failed: "
                        + ErrnoName.describe(e), e);
            }
        }
        return deleted;
    }

    /**
     * Removes what crashed writers and interrupted deletions left behind: temporary generation
     * directories whose writer no longer holds its lock, their lock files, and directories
     * retention renamed away. Live writers (lock held, in this or another process) are left
     * alone. Returns the removed paths.
     */
    public List<Path> removeAbandoned(String job) throws StorageException {
        Path jobDir = jobDir(job);
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(jobDir)) {
            return removed;
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(jobDir)) {
            ds.forEach(candidates::add);
        } catch (IOException e) {
            throw new StorageException("job " + job + ": listing " + jobDir + " failed: " + ErrnoName.describe(e), e);
        }
        for (Path p : candidates) {
            String name = p.getFileName().toString();
            try {
                if (name.startsWith(RepositoryLayout.DELETE_PREFIX)) {
                    DurableFiles.deleteTree(p);
                    removed.add(p);
                } else if (name.startsWith(RepositoryLayout.TEMP_PREFIX) && !name.endsWith(RepositoryLayout.LOCK_SUFFIX)) {
                    if (removeIfUnlocked(p, jobDir.resolve(name + RepositoryLayout.LOCK_SUFFIX))) {
                        removed.add(p);
                    }
                } else if (name.startsWith(RepositoryLayout.TEMP_PREFIX)) {
                    Path dir = jobDir.resolve(name.substring(0, name.length() - RepositoryLayout.LOCK_SUFFIX.length()));
                    if (!Files.exists(dir) && removeIfUnlocked(null, p)) {
                        removed.add(p);
                    }
                }
            } catch (IOException e) {
                throw new StorageException("job " + job + ": removing abandoned " + p + " failed: " + ErrnoName.describe(e), e);
            }
        }
        return removed;
    }

    /** Deletes {@code dir} (may be null) and {@code lockFile} unless a live writer holds the lock. */
    private static boolean removeIfUnlocked(Path dir, Path lockFile) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            // a writer creates its lock before its directory and deletes it after publishing
            // or aborting, so a directory without a lock file is an abandoned leftover
            if (dir != null) {
                DurableFiles.deleteTree(dir);
            }
            return dir != null;
        }
        try (ch) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return false;
            }
            if (lock == null) {
                return false;
            }
            try {
                if (dir != null) {
                    DurableFiles.deleteTree(dir);
                }
                Files.deleteIfExists(lockFile);
            } finally {
                lock.release();
            }
            return true;
        }
    }

    private Path jobDir(String job) throws StorageException {
        try {
            return RepositoryLayout.jobDir(config.root(), job);
        } catch (IllegalArgumentException e) {
            throw new StorageException(e.getMessage());
        }
    }
}
