package io.crak.cli;

import io.crak.core.CheckpointEngine;
import io.crak.core.DumpRequest;
import io.crak.core.DumpResult;
import io.crak.core.freeze.FreezerKind;
import io.crak.core.image.DirectoryImageSink;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Checkpoint a process and all its descendants into an image directory.",
            "Without --leave-running the tree is killed once the images are safely written."})
public final class DumpCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, paramLabel = "PID", description = "root of the process tree to dump")
    int pid;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "directory to write the images to")
    Path images;

    @Option(names = "--leave-running", description = "let the tree continue after the dump")
    boolean leaveRunning;

    @Option(names = "--freezer", paramLabel = "KIND",
            description = "force a freezer: ${COMPLETION-CANDIDATES} (default: the best one present)")
    FreezerKind freezer;

    @Override
    public Integer call() throws Exception {
        DumpResult r;
        try (DirectoryImageSink sink = new DirectoryImageSink(images)) {
            r = new CheckpointEngine().dump(new DumpRequest(pid, leaveRunning, Optional.ofNullable(freezer)), sink);
        }
        System.err.printf("crak: dumped %d process(es), %d thread(s), %.1f MiB of memory in %d ms (frozen %d ms, freezer %s)%n",
                r.pids().size(), r.threads(), r.memoryBytes() / 1048576.0, r.total().toMillis(), r.frozen().toMillis(),
                r.freezer().name().toLowerCase());
        return Main.EXIT_OK;
    }
}
