package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint that does not fit fails cleanly, naming ENOSPC, and storage stays consistent. */
@Tag("integration")
class FullDiskTest {
    private static final String JOB = "full";

    @TempDir
    Path tmp;

    private Path mountPoint;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        mountPoint = Files.createDirectory(tmp.resolve("small"));
        List<String> cmd = List.of("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "crak-full-disk-test", mountPoint.toString());
        ExternalCommand.run(null, cmd).expectSuccess(cmd);
    }

    @AfterEach
    void unmount() throws Exception {
        List<String> cmd = List.of("umount", mountPoint.toString());
        ExternalCommand.run(null, cmd).expectSuccess(cmd);
    }

    @Test
    void checkpointLargerThanTheFilesystemFailsCleanly() throws Exception {
        for (Compression c : Compression.values()) {
            String job = JOB + "-" + c.id();
            CheckpointRepository repo = CheckpointRepository.open(
                    StorageConfig.builder(mountPoint.resolve("store")).compression(c).build(), m -> { });
            SyntheticImages small = new SyntheticImages(8, 0, 1, 1 << 20, 5);
            try (GenerationWriter w = repo.begin(job, GenerationInfo.builder().build())) {
                small.writeTo(w);
                assertEquals(1, w.commit());
            }
            SyntheticImages big = new SyntheticImages(8, 1, 4, 4 << 20, 100);
            StorageException e = assertThrows(StorageException.class, () -> {
                try (GenerationWriter w = repo.begin(job, GenerationInfo.builder().build())) {
                    big.writeTo(w);
                    w.commit();
                }
            });
            assertTrue(e.getMessage().startsWith("job " + job + " generation 2: ") && e.getMessage().contains("ENOSPC"),
                    e.getMessage());
            assertEquals(List.of(1L), repo.generations(job));
            try (Stream<Path> s = Files.list(mountPoint.resolve("store").resolve(job))) {
                assertEquals(List.of("gen-000000000001"), s.map(p -> p.getFileName().toString()).toList(),
                        "no temporary files left behind");
            }
            try (GenerationReader src = repo.open(job, repo.latestConsistent(job).orElseThrow().number())) {
                small.assertReadsBack(src);
            }
            // the space was given back: the next checkpoint that fits commits
            try (GenerationWriter w = repo.begin(job, GenerationInfo.builder().incremental(true).build())) {
                small.withVersion(2).writeTo(w);
                assertEquals(2, w.commit());
            }
            repo.applyRetention(job);
            DurableFiles.deleteTree(mountPoint.resolve("store").resolve(job));
        }
    }
}
