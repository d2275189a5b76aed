package io.crak.samples;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the built sample job binaries for tests of any module. */
public final class SampleJobs {
    /** System property naming the directory holding the binaries; overrides the search. */
    public static final String BIN_DIR_PROPERTY = "crak.samples.bin";
    /** Where the build puts the binaries, relative to the repository root. */
    static final Path BIN_DIR_FROM_ROOT = Path.of("sample-jobs", "target", "bin");

    private SampleJobs() {
    }

    /**
     * The binaries directory: the {@value #BIN_DIR_PROPERTY} system property if set, else the first
     * {@code sample-jobs/target/bin} found walking up from the working directory.
     *
     * @throws IllegalStateException if the property names no directory or nothing is found
     */
    public static Path binDir() {
        String configured = System.getProperty(BIN_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("-D" + BIN_DIR_PROPERTY + "=" + configured + " is not a directory");
            }
            return dir;
        }
        return searchUpwards(Path.of(System.getProperty("user.dir")));
    }

    /** The first {@code sample-jobs/target/bin} directory in start or one of its ancestors. */
    static Path searchUpwards(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(BIN_DIR_FROM_ROOT);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample job binaries not found: no " + BIN_DIR_FROM_ROOT + " in " + start
                + " or its parents; build them (mvn -pl sample-jobs compile) or set -D" + BIN_DIR_PROPERTY + "=DIR");
    }

    /**
     * Absolute path of the job's program.
     *
     * @throws IllegalStateException if it is missing or not executable
     */
    public static Path binary(SampleJob job) {
        Path program = binDir().resolve(job.binaryName());
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            throw new IllegalStateException("sample job " + job.binaryName() + ": " + program
                    + " is missing or not executable; build sample-jobs (mvn -pl sample-jobs compile)");
        }
        return program;
    }
}
