package io.crak.cli;

import io.crak.storage.CheckpointRepository;
import io.crak.storage.ConsistentScan;
import io.crak.storage.StorageConfig;
import io.crak.storage.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code crak verify JOB [--generation G]}: re-hashes archives against their manifests. Exit 0
 * when every generation checked is consistent, 1 otherwise.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a job's checkpoint generations (manifest, every archive's size and SHA-256, incremental chains).")
public final class VerifyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB", description = "the job name")
    String job;

    @Option(names = "--generation", paramLabel = "G", description = "verify only generation G (default: all)")
    Long generation;

    @Option(names = "--storage", paramLabel = "DIR", description = "storage root (default: ${DEFAULT-VALUE})")
    Path storage = StorageConfig.DEFAULT_ROOT;

    @Override
    public Integer call() throws Exception {
        if (generation != null && generation < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--generation " + generation + " must be >= 1");
        }
        CheckpointRepository repo = CheckpointRepository.openExisting(StorageConfig.defaults(storage.toAbsolutePath()));
        List<Long> numbers = generation != null ? List.of(generation) : repo.generations(job);
        if (numbers.isEmpty()) {
            throw new IllegalStateException("job " + job + " has no checkpoint generations under " + storage.toAbsolutePath());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<VerifyReport> failed = new ArrayList<>();
        for (long n : numbers) {
            VerifyReport r = repo.verify(job, n);
            if (r.ok()) {
                out.println("generation " + n + ": ok (chain " + r.chain().stream().map(String::valueOf)
                        .collect(Collectors.joining(" <- ")) + ")");
            } else {
                failed.add(r);
                for (String p : r.problems()) {
                    out.println("generation " + n + ": FAILED: " + p);
                }
            }
        }
        if (generation == null) {
            ConsistentScan scan = repo.scanConsistent(job);
            out.println(scan.latest().map(g -> "latest consistent generation: " + g.number())
                    .orElse("no consistent generation"));
        }
        out.flush();
        if (!failed.isEmpty()) {
            spec.commandLine().getErr().println("crak: job " + job + ": " + failed.size() + " of " + numbers.size()
                    + " generation(s) failed verification; first: " + failed.get(0).problems().get(0));
            spec.commandLine().getErr().flush();
            return Main.EXIT_FAILED;
        }
        return Main.EXIT_OK;
    }
}
