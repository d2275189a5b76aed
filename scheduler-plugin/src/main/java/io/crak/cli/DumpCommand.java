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
        description = {"Checkpoint a process and all its descendants (to images or to checkpoint storage).",
            "Writes an image directory (--images) or a new generation of a job in storage (--storage, --job).",
            "Without --leave-running the tree is killed once the images are safely written (committed)."})
public final class DumpCommand implements Callable<Integer> {
    @Option(names = "--pid", required = true, paramLabel = "PID", description = "root of the process tree to dump")
    int pid;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    ImageTarget target;

    /** Where the images go: a plain directory, or a job's next generation in storage. */
    static final class ImageTarget {
        @Option(names = "--images", required = true, paramLabel = "DIR", description = "directory to write the images to")
        Path images;

        @picocli.CommandLine.ArgGroup(exclusive = false)
        StorageTarget storage;
    }

    static final class StorageTarget {
        @Option(names = "--storage", required = true, paramLabel = "DIR", description = "checkpoint storage root")
        Path root;

        @Option(names = "--job", required = true, paramLabel = "NAME", description = "job name in storage")
        String job;

        @Option(names = "--compress", paramLabel = "none|zstd", description = "compression of the generation (default: none)")
        io.crak.storage.Compression compression = io.crak.storage.Compression.NONE;
    }

    @Option(names = "--leave-running", description = "let the tree continue after the dump")
    boolean leaveRunning;

    @Option(names = "--freezer", paramLabel = "KIND",
            description = "force a freezer: ${COMPLETION-CANDIDATES} (default: the best one present)")
    FreezerKind freezer;

    @Option(names = "--tcp-close", description = "drop TCP connections to peers outside the job instead of refusing the dump; "
            + "the application sees them reset after restore")
    boolean tcpClose;

    @Option(names = "--include-path", paramLabel = "PATH", description = {"a file or directory (repeatable)",
        "the job created that travels in the image and is recreated at restore where missing or different"})
    java.util.List<Path> includePaths = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        DumpRequest req = new DumpRequest(pid, leaveRunning, Optional.ofNullable(freezer), tcpClose,
                includePaths.stream().map(Path::toAbsolutePath).toList());
        DumpResult r;
        String where;
        if (target.images != null) {
            try (DirectoryImageSink sink = new DirectoryImageSink(target.images)) {
                r = new CheckpointEngine().dump(req, sink);
            }
            where = target.images.toString();
        } else {
            StorageTarget st = target.storage;
            io.crak.storage.CheckpointRepository repo = io.crak.storage.CheckpointRepository.open(
                    io.crak.storage.StorageConfig.builder(st.root.toAbsolutePath()).compression(st.compression).build());
            long[] generation = {-1};
            try (io.crak.storage.GenerationWriter w = repo.begin(st.job,
                    io.crak.storage.GenerationInfo.builder().processes(java.util.List.of(pid)).build())) {
                // committed while the engine still holds the tree: killed (or resumed) only after
                r = new CheckpointEngine().dump(req, w, () -> generation[0] = w.commit());
            }
            repo.applyRetention(st.job);
            repo.removeAbandoned(st.job);
            where = "job " + st.job + " generation " + generation[0] + " in " + st.root;
        }
        System.err.printf("crak: wrote %s%n", where);
        System.err.printf("crak: dumped %d process(es), %d thread(s), %.1f MiB of memory in %d ms (frozen %d ms, freezer %s)%n",
                r.pids().size(), r.threads(), r.memoryBytes() / 1048576.0, r.total().toMillis(), r.frozen().toMillis(),
                r.freezer().name().toLowerCase());
        return Main.EXIT_OK;
    }
}
