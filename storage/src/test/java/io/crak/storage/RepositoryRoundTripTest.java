package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.image.ImageSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryRoundTripTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    private CheckpointRepository repo(Compression c) throws IOException {
        return CheckpointRepository.open(StorageConfig.builder(tmp.resolve("store")).compression(c).build());
    }

    private static long write(CheckpointRepository repo, String job, SyntheticImages images, boolean incremental)
            throws IOException {
        try (GenerationWriter w = repo.begin(job, GenerationInfo.builder().processes(List.of(100, 101))
                .label("engine", "test").incremental(incremental).build())) {
            images.writeTo(w);
            return w.commit();
        }
    }

    @Test
    void fullGenerationReadsBackBitExactUncompressedAndZstd() throws IOException {
        for (Compression c : Compression.values()) {
            CheckpointRepository repo = repo(c);
            SyntheticImages images = new SyntheticImages(7, 0, 3, 2 * MIB + 5, 5);
            long g = write(repo, "full-" + c.id(), images, false);
            assertEquals(1, g);
            Generation latest = repo.latestConsistent("full-" + c.id()).orElseThrow();
            assertEquals(1, latest.number());
            assertFalse(latest.incremental());
            assertEquals(List.of(100, 101), latest.manifest().processes());
            assertEquals(images.totalBytes(), latest.manifest().logicalBytes());
            try (ImageSource src = repo.open("full-" + c.id(), 1)) {
                images.assertReadsBack(src);
            }
        }
    }

    @Test
    void incrementalChainStoresOnlyChangedBlocksAndResolvesToBitExactContent() throws IOException {
        CheckpointRepository repo = repo(Compression.ZSTD);
        SyntheticImages v0 = new SyntheticImages(11, 0, 4, 4 * MIB, 5);
        write(repo, "inc", v0, true); // no parent yet: written full
        for (int v = 1; v <= 3; v++) {
            long g = write(repo, "inc", v0.withVersion(v), true);
            Generation gen = repo.latestConsistent("inc").orElseThrow();
            assertEquals(g, gen.number());
            assertEquals(g - 1, gen.manifest().parent());
            long pages = 4 * 4 * MIB;
            assertTrue(gen.manifest().storedBytes() < pages / 10,
                    "incremental generation stores " + gen.manifest().storedBytes() + " of " + pages + " bytes");
        }
        for (int v = 0; v <= 3; v++) {
            try (ImageSource src = repo.open("inc", v + 1)) {
                v0.withVersion(v).assertReadsBack(src);
            }
        }
        assertEquals(List.of(4L, 3L, 2L, 1L), repo.verify("inc", 4).chain());
    }

    @Test
    void incrementalFallsBackToFullWhenChainIsAtItsLimit() throws IOException {
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.builder(tmp.resolve("s"))
                .maxIncrementalChain(2).build());
        SyntheticImages v0 = new SyntheticImages(3, 0, 1, MIB, 5);
        for (int v = 0; v < 5; v++) {
            write(repo, "j", v0.withVersion(v), true);
        }
        List<GenerationStatus> h = repo.history("j");
        assertEquals(List.of(false, true, true, false, true), h.stream().map(GenerationStatus::incremental).toList());
        try (ImageSource src = repo.open("j", 5)) {
            v0.withVersion(4).assertReadsBack(src);
        }
    }

    @Test
    void entriesReadOutOfOrderAndSkippedStillResolve() throws IOException {
        CheckpointRepository repo = repo(Compression.NONE);
        SyntheticImages v0 = new SyntheticImages(5, 0, 3, MIB, 20);
        write(repo, "o", v0, true);
        write(repo, "o", v0.withVersion(1), true);
        try (ImageSource src = repo.open("o", 2)) {
            v0.withVersion(1).assertEntry(src, 5);
            v0.withVersion(1).assertEntry(src, 0);
            src.entry("pages-0.img").close(); // opened, not read: the next entry must still be right
            v0.withVersion(1).assertEntry(src, 4);
            assertThrows(FileNotFoundException.class, () -> src.entry("no-such-entry"));
        }
    }

    @Test
    void abortAndCloseWithoutCommitLeaveNothing() throws IOException {
        CheckpointRepository repo = repo(Compression.ZSTD);
        try (GenerationWriter w = repo.begin("a", GenerationInfo.builder().build())) {
            new SyntheticImages(1, 0, 1, MIB, 5).writeTo(w);
        }
        try (GenerationWriter w = repo.begin("a", GenerationInfo.builder().build())) {
            w.write("x", new byte[10]);
            w.abort();
            assertThrows(StorageException.class, w::commit);
        }
        try (Stream<Path> s = Files.list(tmp.resolve("store/a"))) {
            assertEquals(List.of(), s.toList());
        }
        assertTrue(repo.latestConsistent("a").isEmpty());
    }

    @Test
    void wrongEntrySizesAndNamesAreRejectedAndTheGenerationCannotCommit() throws IOException {
        CheckpointRepository repo = repo(Compression.NONE);
        try (GenerationWriter w = repo.begin("b", GenerationInfo.builder().build())) {
            StorageException e = assertThrows(StorageException.class, () -> {
                try (OutputStream out = w.entry("short", 10)) {
                    out.write(new byte[9]);
                }
            });
            assertTrue(e.getMessage().contains("entry short has 9 bytes, declared 10"), e.getMessage());
            assertThrows(StorageException.class, w::commit);
        }
        try (GenerationWriter w = repo.begin("b", GenerationInfo.builder().build())) {
            for (String bad : List.of("/abs", "a/../b", "x@1", "", "dir/")) {
                assertThrows(StorageException.class, () -> w.entry(bad, 1), bad);
            }
            w.write("ok", new byte[1]);
            assertThrows(StorageException.class, () -> w.write("ok", new byte[1]));
        }
        assertTrue(repo.generations("b").isEmpty());
    }

    @Test
    void filesAre0600AndDirectories0700() throws IOException {
        CheckpointRepository repo = repo(Compression.NONE);
        write(repo, "p", new SyntheticImages(2, 0, 1, MIB, 5), false);
        Path gen = tmp.resolve("store/p").resolve(RepositoryLayout.generationDirName(1));
        for (Path dir : List.of(tmp.resolve("store"), tmp.resolve("store/p"), gen)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
        }
        try (Stream<Path> s = Files.list(gen)) {
            for (Path f : s.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            }
        }
    }

    @Test
    void configurationAndJobNamesAreValidated() {
        Path root = Path.of("/tmp/x");
        assertThrows(IllegalArgumentException.class, () -> StorageConfig.builder(root).keepGenerations(0).build());
        assertThrows(IllegalArgumentException.class, () -> StorageConfig.builder(root).zstdLevel(99).build());
        assertThrows(IllegalArgumentException.class, () -> StorageConfig.builder(root).zstdWorkers(-1).build());
        assertThrows(IllegalArgumentException.class, () -> StorageConfig.builder(Path.of("rel")).build());
        for (String bad : List.of("", "a/b", "..", ".hidden", "a b", "x".repeat(200))) {
            assertThrows(IllegalArgumentException.class, () -> JobName.validate(bad), bad);
        }
        assertEquals("job-1.a_b", JobName.validate("job-1.a_b"));
        assertTrue(StorageConfig.DEFAULT_ROOT.endsWith("crak"));
    }

    @Test
    void manifestOfAnotherVersionIsRefused() {
        byte[] future = "{\"format\":\"crak-generation\",\"version\":2}".getBytes();
        StorageException e = assertThrows(StorageException.class, () -> ManifestCodec.decode(future, "m.json"));
        assertTrue(e.getMessage().contains("format version 2 is not supported"), e.getMessage());
    }
}
