package io.crak.cli;

import io.crak.job.DurationText;
import io.crak.job.NamespaceMode;
import io.crak.run.RunConfig;
import io.crak.run.StandaloneRun;
import io.crak.storage.Compression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crak run}: one job on this node, checkpointed every interval, restarted when killed. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs CMD as a checkpointed job on this node. Every DUR the whole job is frozen, captured and "
                    + "written to storage as a new generation (the newest --keep are kept). When the job is "
                    + "killed from outside (SIGKILL, OOM) it is restarted from its latest consistent generation; "
                    + "after a crash of crak run itself, 'crak run --resume JOB' takes it over.",
            "Progress goes to stderr; the job's stdout/stderr go where crak run's go (to files in the job "
                    + "directory when those are pipes or sockets). The exit status is the job's own "
                    + "(its exit code, or 128+signal)."},
        footer = {"", "Examples:", "  crak run --checkpoint-every 10m -- ./simulate --steps 100000",
            "  crak run --resume simulate-1"})
public final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint-every", paramLabel = "DUR",
            description = "interval between checkpoints: 30s, 10m, 2h, 1h30m (at least 1s); required unless --resume")
    String checkpointEvery;

    @Option(names = "--storage", paramLabel = "DIR",
            description = "storage root for generations and job directories (default: ${DEFAULT-VALUE})")
    Path storage = RunConfig.DEFAULT_STORAGE_ROOT;

    @Option(names = "--keep", paramLabel = "N", description = "generations to keep (default: "
            + RunConfig.DEFAULT_KEEP_GENERATIONS + ", or as recorded when resuming)")
    Integer keep;

    @Option(names = "--compress", paramLabel = "ALG", description = "none or zstd (default: none, or as recorded "
            + "when resuming)")
    String compress;

    @Option(names = "--name", paramLabel = "JOB", description = "job name (default: the command's name and a counter)")
    String name;

    @Option(names = "--resume", paramLabel = "JOB",
            description = "take over JOB from its latest consistent generation (after crak run itself died)")
    String resume;

    @Option(names = "--namespace", paramLabel = "MODE",
            description = "pidns: the job in its own pid namespace, its pids free on any node; pidns+netns: also a "
                    + "network namespace of its own with loopback only (its ports its own, no network); host: host "
                    + "pids, which a restore needs free again (default: ${DEFAULT-VALUE}; when resuming, as recorded)")
    String namespace = RunConfig.DEFAULT_NAMESPACE.optionName();

    @Option(names = "--max-restarts", paramLabel = "N",
            description = "restart the job at most N times in a row without a new checkpoint in between, then give "
                    + "up (default: ${DEFAULT-VALUE})")
    int maxRestarts = RunConfig.DEFAULT_MAX_RESTARTS_WITHOUT_PROGRESS;

    @Parameters(paramLabel = "CMD", arity = "0..*", description = "the job's command line, after --")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        RunConfig config;
        try {
            Optional<Duration> interval = Optional.ofNullable(checkpointEvery).map(DurationText::parse);
            config = new RunConfig(command, Optional.ofNullable(name), Optional.ofNullable(resume), interval,
                    storage.toAbsolutePath(),
                    keep == null ? OptionalInt.empty() : OptionalInt.of(keep),
                    Optional.ofNullable(compress).map(Compression::parse), NamespaceMode.ofOptionName(namespace),
                    maxRestarts, Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return new StandaloneRun(config, spec.commandLine().getErr()).call();
    }
}
