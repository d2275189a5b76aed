package io.crak.cli;

import io.crak.core.CheckpointEngine;
import io.crak.core.RestoreRequest;
import io.crak.core.RestoredTree;
import io.crak.core.image.DirectoryImageSource;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a process tree, with its original pids, from images or checkpoint storage.",
            "Without --detach, waits for the restored root and exits with its exit status."})
public final class RestoreCommand implements Callable<Integer> {
    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    ImageOrigin origin;

    /** Where the images come from: a directory, or a job's generation in storage. */
    static final class ImageOrigin {
        @Option(names = "--images", required = true, paramLabel = "DIR", description = "image directory written by crak dump")
        Path images;

        @picocli.CommandLine.ArgGroup(exclusive = false)
        StorageOrigin storage;
    }

    static final class StorageOrigin {
        @Option(names = "--storage", required = true, paramLabel = "DIR", description = "checkpoint storage root")
        Path root;

        @Option(names = "--job", required = true, paramLabel = "NAME", description = "job name in storage")
        String job;

        @Option(names = "--generation", paramLabel = "G",
                description = "generation to restore (default: the latest consistent one)")
        Long generation;
    }

    @Option(names = "--detach", description = "return as soon as the tree runs")
    boolean detach;

    private io.crak.core.image.ImageSource open() throws Exception {
        if (origin.images != null) {
            return new DirectoryImageSource(origin.images);
        }
        StorageOrigin st = origin.storage;
        io.crak.storage.CheckpointRepository repo = io.crak.storage.CheckpointRepository.openExisting(
                io.crak.storage.StorageConfig.defaults(st.root.toAbsolutePath()));
        long g;
        if (st.generation != null) {
            g = st.generation;
        } else {
            g = repo.latestConsistent(st.job).orElseThrow(() -> new IllegalStateException(
                    "job " + st.job + " has no consistent generation in " + st.root)).number();
        }
        System.err.printf("crak: restoring job %s generation %d%n", st.job, g);
        return repo.open(st.job, g);
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        RestoredTree tree;
        try (io.crak.core.image.ImageSource src = open()) {
            tree = new CheckpointEngine().restore(RestoreRequest.unchecked(), src);
        }
        System.err.printf("crak: restored %d process(es), root pid %d, in %d ms%n", tree.pids().size(), tree.rootPid(),
                (System.nanoTime() - t0) / 1_000_000);
        System.err.flush();
        if (detach) {
            System.out.println(tree.rootPid());
            return Main.EXIT_OK;
        }
        return tree.waitForExit();
    }
}
