package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GNU tar must list and extract every archive the repository writes. */
@Tag("integration")
class GnuTarCompatibilityTest {
    @TempDir
    Path tmp;

    @Test
    void gnuTarListsAndExtractsFullAndIncrementalArchivesPlainAndZstd() throws Exception {
        for (Compression c : Compression.values()) {
            CheckpointRepository repo = CheckpointRepository.open(
                    StorageConfig.builder(tmp.resolve("s-" + c.id())).compression(c).zstdWorkers(2).build());
            SyntheticImages v0 = new SyntheticImages(9, 0, 2, 1 << 20, 5);
            for (int v = 0; v < 2; v++) {
                try (GenerationWriter w = repo.begin("job", GenerationInfo.builder().incremental(true).build())) {
                    v0.withVersion(v).writeTo(w);
                    w.commit();
                }
            }
            for (long g : repo.generations("job")) {
                Generation gen = GenerationVerifier.readManifest(tmp.resolve("s-" + c.id()).resolve("job"), "job", g);
                Path archive = gen.file(gen.manifest().archives().get(0).name());
                List<String> list = new ArrayList<>(List.of("tar"));
                if (c == Compression.ZSTD) {
                    list.add("--zstd");
                }
                list.addAll(List.of("-tvf", archive.toString()));
                String out = ExternalCommand.run(null, list).expectSuccess(list).stdout();
                long members = gen.manifest().entries().stream().mapToLong(Manifest.Entry::members).sum();
                assertEquals(members, out.lines().count(), out);
                assertTrue(out.contains("-rw-------"), out);
                if (g == 1) {
                    assertTrue(out.contains(v0.names().get(2)), "long name listed in full: " + out);
                    Path x = Files.createDirectories(tmp.resolve("x-" + c.id()));
                    List<String> extract = new ArrayList<>(list);
                    extract.set(extract.indexOf("-tvf"), "-xf");
                    ExternalCommand.run(x, extract).expectSuccess(extract);
                    try (GenerationReader src = repo.open("job", 1)) {
                        for (String name : v0.names()) {
                            assertArrayEquals(src.readAll(name), Files.readAllBytes(x.resolve(name)), name);
                        }
                    }
                } else {
                    assertTrue(out.contains("pages-0.img@"), "incremental segments listed: " + out);
                }
            }
        }
    }

    @Test
    void entriesOver8GiBGetAPaxSizeHeaderThatGnuTarReads() throws Exception {
        // Writing 8 GiB is too slow for CI: the header is written when the entry starts, so the
        // archive is cut off after the first data block and GNU tar lists what it has read.
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.defaults(tmp.resolve("big")));
        long size = 9L << 30;
        GenerationWriter w = repo.begin("big", GenerationInfo.builder().build());
        Path archive;
        try (Stream<Path> s = Files.list(tmp.resolve("big/big"))) {
            archive = s.filter(Files::isDirectory).findFirst().orElseThrow().resolve("images.tar");
        }
        OutputStream out = w.entry("huge.img", size);
        out.write(new byte[1 << 20]);
        Path copy = tmp.resolve("head.tar");
        // the archive's buffers reach the file once 1 MiB has been written
        out.write(new byte[2 << 20]);
        Files.copy(archive, copy);
        w.abort();
        List<String> cmd = List.of("tar", "-tvf", copy.toString());
        ExternalCommand r = ExternalCommand.run(null, cmd);
        assertTrue(r.stdout().contains(Long.toString(size)) && r.stdout().contains("huge.img"),
                "tar lists the 9 GiB size: " + r.stdout() + r.stderr());
    }
}
