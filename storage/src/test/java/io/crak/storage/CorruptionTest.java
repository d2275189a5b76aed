package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flipped byte, a truncated archive, a deleted manifest: each is detected by verify, skipped
 * by latestConsistent with a message naming the generation and why, and refused by open.
 */
class CorruptionTest {
    private static final String JOB = "corrupt";

    @TempDir
    Path tmp;

    private final List<String> skipped = new ArrayList<>();

    private CheckpointRepository repoWithThreeGenerations(Compression c) throws IOException {
        CheckpointRepository repo = CheckpointRepository.open(
                StorageConfig.builder(tmp.resolve("s")).compression(c).build(), skipped::add);
        for (int v = 0; v < 3; v++) {
            try (GenerationWriter w = repo.begin(JOB, GenerationInfo.builder().build())) {
                images(v).writeTo(w);
                w.commit();
            }
        }
        return repo;
    }

    private static SyntheticImages images(int v) {
        return new SyntheticImages(21, v, 2, 1 << 20, 5);
    }

    private Path genFile(long g, String name) {
        return tmp.resolve("s").resolve(JOB).resolve(RepositoryLayout.generationDirName(g)).resolve(name);
    }

    private void assertFallsBackToGeneration2(CheckpointRepository repo, String why) throws IOException {
        VerifyReport bad = repo.verify(JOB, 3);
        assertFalse(bad.ok());
        assertTrue(bad.summary().contains("generation 3") && bad.summary().contains(why), bad.summary());
        Generation latest = repo.latestConsistent(JOB).orElseThrow();
        assertEquals(2, latest.number());
        assertEquals(1, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).startsWith("skipping generation 3 of job corrupt: ") && skipped.get(0).contains(why),
                skipped.get(0));
        StorageException refused = assertThrows(StorageException.class, () -> repo.open(JOB, 3));
        assertTrue(refused.getMessage().startsWith("refusing to restore: "), refused.getMessage());
        try (GenerationReader src = repo.open(JOB, latest.number())) {
            images(1).assertReadsBack(src);
        }
        assertTrue(repo.verify(JOB, 2).ok());
    }

    @Test
    void flippedByteInArchiveIsDetected() throws IOException {
        for (Compression c : Compression.values()) {
            skipped.clear();
            tmp.resolve("s").toFile().renameTo(tmp.resolve("old-" + c.id()).toFile());
            CheckpointRepository repo = repoWithThreeGenerations(c);
            Path archive = genFile(3, c.archiveName());
            try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
                long at = f.length() / 2;
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x01);
            }
            assertFallsBackToGeneration2(repo, "(corrupt)");
        }
    }

    @Test
    void truncatedArchiveIsDetected() throws IOException {
        CheckpointRepository repo = repoWithThreeGenerations(Compression.ZSTD);
        Path archive = genFile(3, Compression.ZSTD.archiveName());
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        assertFallsBackToGeneration2(repo, "(truncated)");
    }

    @Test
    void deletedManifestIsDetected() throws IOException {
        CheckpointRepository repo = repoWithThreeGenerations(Compression.NONE);
        Files.delete(genFile(3, RepositoryLayout.MANIFEST));
        assertFallsBackToGeneration2(repo, "manifest.json is missing");
    }

    @Test
    void editedManifestIsDetected() throws IOException {
        CheckpointRepository repo = repoWithThreeGenerations(Compression.NONE);
        Path m = genFile(3, RepositoryLayout.MANIFEST);
        Files.writeString(m, Files.readString(m).replace("\"host\"", "\"host\" "));
        assertFallsBackToGeneration2(repo, "(corrupt manifest)");
    }

    @Test
    void corruptParentMakesItsIncrementalChildInconsistentToo() throws IOException {
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(tmp.resolve("s")), skipped::add);
        for (int v = 0; v < 3; v++) {
            try (GenerationWriter w = repo.begin(JOB, GenerationInfo.builder().incremental(v == 2).build())) {
                images(v).writeTo(w);
                w.commit();
            }
        }
        // generation 3 is incremental to 2; damaging 2's block index breaks 3 as well
        Path blocks = genFile(2, RepositoryLayout.BLOCK_INDEX);
        try (RandomAccessFile f = new RandomAccessFile(blocks.toFile(), "rw")) {
            f.setLength(f.length() - 32);
        }
        VerifyReport r = repo.verify(JOB, 3);
        assertTrue(r.summary().contains("generation 3 depends on parent: job corrupt generation 2"), r.summary());
        assertEquals(1, repo.latestConsistent(JOB).orElseThrow().number());
        assertEquals(2, skipped.size(), skipped.toString());
    }
}
