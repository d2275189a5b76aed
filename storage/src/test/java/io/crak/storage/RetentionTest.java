package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    private static final String JOB = "ret";

    @TempDir
    Path tmp;

    private CheckpointRepository repo(int keep) throws IOException {
        return CheckpointRepository.open(StorageConfig.builder(tmp.resolve("s")).keepGenerations(keep).build(), m -> { });
    }

    private static long write(CheckpointRepository repo, int v, boolean incremental) throws IOException {
        try (GenerationWriter w = repo.begin(JOB, GenerationInfo.builder().incremental(incremental).build())) {
            new SyntheticImages(4, v, 1, 256 << 10, 10).writeTo(w);
            return w.commit();
        }
    }

    @Test
    void keepsNewestNAndDeletesOlder() throws IOException {
        CheckpointRepository repo = repo(3);
        for (int v = 0; v < 6; v++) {
            write(repo, v, false);
        }
        assertEquals(List.of(1L, 2L, 3L), repo.applyRetention(JOB));
        assertEquals(List.of(4L, 5L, 6L), repo.generations(JOB));
        assertEquals(List.of(), repo.applyRetention(JOB));
    }

    @Test
    void neverBreaksAChainAKeptGenerationNeeds() throws IOException {
        CheckpointRepository repo = repo(2);
        write(repo, 0, false);            // 1 full
        for (int v = 1; v < 5; v++) {
            write(repo, v, true);         // 2..5 incremental, chained to 1
        }
        assertEquals(List.of(), repo.applyRetention(JOB));
        write(repo, 5, false);            // 6 full
        write(repo, 6, true);             // 7 incremental to 6
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), repo.applyRetention(JOB));
        try (GenerationReader src = repo.open(JOB, 7)) {
            new SyntheticImages(4, 6, 1, 256 << 10, 10).assertReadsBack(src);
        }
    }

    @Test
    void neverDeletesTheLastConsistentGeneration() throws IOException {
        CheckpointRepository repo = repo(1);
        write(repo, 0, false);
        write(repo, 1, false);
        Files.delete(tmp.resolve("s").resolve(JOB).resolve(RepositoryLayout.generationDirName(2))
                .resolve(RepositoryLayout.MANIFEST));
        assertEquals(List.of(), repo.applyRetention(JOB));
        assertEquals(1, repo.latestConsistent(JOB).orElseThrow().number());
        write(repo, 2, false);
        assertEquals(List.of(1L, 2L), repo.applyRetention(JOB));
    }

    @Test
    void removeAbandonedSparesLiveWritersAndRemovesLeftovers() throws IOException {
        CheckpointRepository repo = repo(3);
        write(repo, 0, false);
        Path jobDir = tmp.resolve("s").resolve(JOB);
        // leftovers of a crashed writer (no lock holder) and of an interrupted deletion
        Path crashed = Files.createDirectory(jobDir.resolve(".tmp-gen-000000000002-dead"));
        Files.write(crashed.resolve("images.tar"), new byte[100]);
        Files.createFile(jobDir.resolve(".tmp-gen-000000000002-dead.lock"));
        Path orphanLock = Files.createFile(jobDir.resolve(".tmp-gen-000000000003-gone.lock"));
        Path deleting = Files.createDirectory(jobDir.resolve(".del-gen-000000000000-x"));
        try (GenerationWriter live = repo.begin(JOB, GenerationInfo.builder().build())) {
            live.write("a", new byte[5000]);
            List<Path> removed = repo.removeAbandoned(JOB);
            assertEquals(3, removed.size(), removed.toString());
            assertTrue(removed.containsAll(List.of(crashed, deleting, orphanLock)), removed.toString());
            try (Stream<Path> s = Files.list(jobDir)) {
                assertEquals(3, s.count(), "gen-1, the live writer's directory and its lock remain");
            }
            assertEquals(2, live.commit());
        }
        try (Stream<Path> s = Files.list(jobDir)) {
            assertEquals(List.of("gen-000000000001", "gen-000000000002"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
