package io.crak.storage;

import java.nio.file.Path;

/**
 * The writer process of {@link WriterCrashTest}: writes one generation of synthetic images and
 * commits it. Arguments: ROOT JOB VERSION none|zstd full|incremental. Prints "started" before it
 * touches storage and "committed N" after commit returns.
 */
public final class CrashingWriterMain {
    private CrashingWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        CheckpointRepository repo = CheckpointRepository.open(StorageConfig.builder(Path.of(args[0]))
                .compression(Compression.parse(args[3])).build());
        SyntheticImages images = WriterCrashTest.images(Long.parseLong(args[2]));
        System.out.println("started");
        System.out.flush();
        try (GenerationWriter w = repo.begin(args[1], GenerationInfo.builder().incremental(args[4].equals("incremental")).build())) {
            images.writeTo(w);
            long g = w.commit();
            System.out.println("committed " + g);
            System.out.flush();
        }
    }
}
