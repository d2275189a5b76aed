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
        description = {"Restore a process tree from an image directory, with its original pids.",
            "Without --detach, waits for the restored root and exits with its exit status."})
public final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--images", required = true, paramLabel = "DIR", description = "image directory written by crak dump")
    Path images;

    @Option(names = "--detach", description = "return as soon as the tree runs")
    boolean detach;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        RestoredTree tree;
        try (DirectoryImageSource src = new DirectoryImageSource(images)) {
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
