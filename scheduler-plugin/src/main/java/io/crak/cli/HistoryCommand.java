package io.crak.cli;

import io.crak.storage.ByteCount;
import io.crak.storage.CheckpointRepository;
import io.crak.storage.GenerationStatus;
import io.crak.storage.StorageConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crak history JOB}: one line per generation of a job, each fully verified. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "List a job's checkpoint generations: number, time, kind, sizes and whether each verifies.")
public final class HistoryCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "the job name")
    String job;

    @Option(names = "--storage", paramLabel = "DIR", description = "storage root (default: ${DEFAULT-VALUE})")
    Path storage = StorageConfig.DEFAULT_ROOT;

    @Override
    public Integer call() throws Exception {
        CheckpointRepository repo = CheckpointRepository.openExisting(StorageConfig.defaults(storage.toAbsolutePath()));
        List<GenerationStatus> rows = repo.history(job);
        if (rows.isEmpty()) {
            throw new IllegalStateException("job " + job + " has no checkpoint generations under " + storage.toAbsolutePath());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-6s %-19s %-11s %-6s %10s %10s %10s %-5s %s%n", "GEN", "TIME", "KIND", "PARENT", "SIZE", "STORED",
                "ON-DISK", "COMP", "VERIFIED");
        for (GenerationStatus s : rows) {
            out.printf("%-6d %-19s %-11s %-6s %10s %10s %10s %-5s %s%n", s.generation(),
                    s.time() == null ? "?" : TIME.format(s.time()),
                    s.compression() == null ? "?" : (s.incremental() ? "incremental" : "full"),
                    s.parent() == null ? "-" : s.parent().toString(),
                    ByteCount.human(s.logicalBytes()), ByteCount.human(s.storedBytes()),
                    ByteCount.human(s.archiveBytes()), s.compression() == null ? "?" : s.compression(),
                    s.verified() ? "yes" : "NO: " + s.verify().problems().get(0));
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
