package io.crak.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that a committed generation is whole: manifest checksum, format version, every file's
 * size and SHA-256, internal totals, and recursively its parent chain. Results are memoized for
 * the lifetime of one verifier, so scanning a job re-hashes each archive once.
 */
final class GenerationVerifier {
    private final Path jobDir;
    private final String job;
    private final Map<Long, VerifyReport> done = new HashMap<>();
    private final Map<Long, Generation> readable = new HashMap<>();

    GenerationVerifier(Path jobDir, String job) {
        this.jobDir = jobDir;
        this.job = job;
    }

    /** Reads and checks a generation's manifest only (no archive hashing). */
    static Generation readManifest(Path jobDir, String job, long number) throws StorageException {
        Path dir = jobDir.resolve(RepositoryLayout.generationDirName(number));
        String where = "job " + job + " generation " + number;
        if (!Files.isDirectory(dir)) {
            throw new StorageException(where + ": " + dir + " does not exist");
        }
        Path manifestFile = dir.resolve(RepositoryLayout.MANIFEST);
        Path sumFile = dir.resolve(RepositoryLayout.MANIFEST_CHECKSUM);
        byte[] manifest;
        String sumLine;
        try {
            manifest = Files.readAllBytes(manifestFile);
            sumLine = Files.readString(sumFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new StorageException(where + ": " + e.getFile() + " is missing (torn or tampered generation)");
        } catch (IOException e) {
            throw new StorageException(where + ": reading " + manifestFile + " failed: " + ErrnoName.describe(e));
        }
        String expected = sumLine.split("\\s+", 2)[0];
        String actual = Sha256.of(manifest);
        if (!actual.equals(expected)) {
            throw new StorageException(where + ": " + manifestFile + " has SHA-256 " + actual + ", "
                    + RepositoryLayout.MANIFEST_CHECKSUM + " says " + expected + " (corrupt manifest)");
        }
        Manifest m = ManifestCodec.decode(manifest, where + ": " + manifestFile);
        if (!job.equals(m.job()) || m.generation() != number) {
            throw new StorageException(where + ": " + manifestFile + " belongs to job " + m.job()
                    + " generation " + m.generation());
        }
        if (m.parent() != null && (m.parent() < 0 || m.parent() >= number)) {
            throw new StorageException(where + ": parent generation " + m.parent() + " is not older");
        }
        return new Generation(job, number, dir, m);
    }

    /** Verifies {@code number} and its chain; never throws for a bad generation, reports it. */
    VerifyReport verify(long number) {
        VerifyReport cached = done.get(number);
        if (cached != null) {
            return cached;
        }
        List<String> problems = new ArrayList<>();
        List<Long> chain = new ArrayList<>();
        chain.add(number);
        String where = "job " + job + " generation " + number;
        try {
            Generation g = readManifest(jobDir, job, number);
            Manifest m = g.manifest();
            readable.put(number, g);
            List<Manifest.StoredFile> files = new ArrayList<>(m.archives());
            files.add(m.blockIndex());
            for (Manifest.StoredFile f : files) {
                checkFile(g, f, where, problems);
            }
            checkTotals(m, where, problems);
            if (m.parent() != null) {
                VerifyReport p = verify(m.parent());
                chain.addAll(p.chain());
                for (String problem : p.problems()) {
                    problems.add(where + " depends on parent: " + problem);
                }
            }
        } catch (StorageException e) {
            problems.add(e.getMessage());
        }
        VerifyReport r = new VerifyReport(job, number, chain, problems);
        done.put(number, r);
        return r;
    }

    /** The chain of a verified generation, newest first (valid only after {@link #verify}). */
    List<Generation> chain(VerifyReport r) {
        return r.chain().stream().map(readable::get).toList();
    }

    private static void checkFile(Generation g, Manifest.StoredFile f, String where, List<String> problems) {
        if (f.name().contains("/") || f.name().startsWith(".")) {
            problems.add(where + ": manifest names file '" + f.name() + "' outside the generation directory");
            return;
        }
        Path file = g.file(f.name());
        long[] size = new long[1];
        String sha;
        try {
            sha = Sha256.ofFile(file, size);
        } catch (NoSuchFileException e) {
            problems.add(where + ": " + file + " is missing");
            return;
        } catch (IOException e) {
            problems.add(where + ": reading " + file + " failed: " + ErrnoName.describe(e));
            return;
        }
        if (size[0] != f.bytes()) {
            problems.add(where + ": " + file + " has " + size[0] + " bytes, manifest says " + f.bytes()
                    + (size[0] < f.bytes() ? " (truncated)" : " (grown)"));
        } else if (!sha.equals(f.sha256())) {
            problems.add(where + ": " + file + " has SHA-256 " + sha + ", manifest says " + f.sha256() + " (corrupt)");
        }
    }

    private static void checkTotals(Manifest m, String where, List<String> problems) {
        long logical = 0;
        long stored = 0;
        long blocks = 0;
        for (Manifest.Entry e : m.entries()) {
            if (e.firstBlock() != blocks) {
                problems.add(where + ": entry " + e.name() + " starts at block " + e.firstBlock() + ", expected " + blocks);
                return;
            }
            logical += e.size();
            stored += e.storedBytes();
            blocks += (e.size() + m.blockBytes() - 1) / m.blockBytes();
        }
        if (logical != m.logicalBytes() || stored != m.storedBytes() || blocks * Sha256.BYTES != m.blockIndex().bytes()) {
            problems.add(where + ": manifest totals disagree with its entries (logical " + logical + "/" + m.logicalBytes()
                    + ", stored " + stored + "/" + m.storedBytes() + ", block index " + blocks * Sha256.BYTES + "/"
                    + m.blockIndex().bytes() + ")");
        }
    }
}
