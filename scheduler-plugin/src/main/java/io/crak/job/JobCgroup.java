package io.crak.job;

import io.crak.core.proc.MountInfo;
import io.crak.core.proc.MountInfoParser;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cgroup v2 directory that holds every process of one job, under {@value #JOBS_SUBTREE} of
 * the cgroup2 mount. crak-init joins it before it starts anything, so no process of the job is
 * ever outside; {@code cgroup.kill} ends the whole job at once, and the freezer can freeze it
 * atomically. The directory is named by the caller and stable across crak run processes, so a
 * {@code --resume} finds (and kills) what a crashed predecessor left behind.
 */
public final class JobCgroup {
    /** Parent of all job cgroups, relative to the cgroup2 mount. */
    public static final String JOBS_SUBTREE = "crak/jobs";
    /** How often {@link #awaitEmpty} looks at {@code cgroup.procs}. */
    public static final Duration EMPTY_POLL_INTERVAL = Duration.ofMillis(10);
    private static final Pattern LEAF_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private final Path dir;

    private JobCgroup(Path dir) {
        this.dir = dir;
    }

    /** The job cgroup {@code leaf} under the cgroup2 mount of this host (not created yet). */
    public static JobCgroup named(String leaf) throws IOException {
        if (!LEAF_NAME.matcher(leaf).matches()) {
            throw new IllegalArgumentException("cgroup name '" + leaf
                    + "' must be 1-255 of [A-Za-z0-9._-], starting with a letter or digit");
        }
        return new JobCgroup(cgroup2Mount().resolve(JOBS_SUBTREE).resolve(leaf));
    }

    /** Where cgroup2 is mounted ({@code /sys/fs/cgroup} or, on hybrid hosts, {@code .../unified}). */
    public static Path cgroup2Mount() throws IOException {
        String text = Files.readString(Path.of("/proc/self/mountinfo"));
        for (MountInfo m : MountInfoParser.parse(text)) {
            if (m.fsType().equals("cgroup2")) {
                return Path.of(m.mountPoint());
            }
        }
        throw new IOException("no cgroup2 filesystem in /proc/self/mountinfo: jobs need cgroup v2 "
                + "(mount -t cgroup2 none /sys/fs/cgroup/unified)");
    }

    public Path path() {
        return dir;
    }

    /** Creates the directory (and the Crak subtree above it) if absent. */
    public JobCgroup create() throws IOException {
        Files.createDirectories(dir);
        return this;
    }

    public boolean exists() {
        return Files.isDirectory(dir);
    }

    /**
     * Every process in the cgroup and its descendants now (empty if it does not exist): during a
     * checkpoint the freezer holds the job in a child cgroup of its own.
     */
    public List<Integer> pids() throws IOException {
        List<Integer> pids = new ArrayList<>();
        for (Path d : directories()) {
            readPids(d.resolve("cgroup.procs"), pids);
        }
        return pids;
    }

    /**
     * The cgroup and every cgroup below it, deepest first (empty if it does not exist). A child
     * the freezer removes while we walk makes the walk start again.
     */
    private List<Path> directories() throws IOException {
        while (true) {
            try (Stream<Path> walk = Files.walk(dir)) {
                return walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            } catch (NoSuchFileException e) {
                // the cgroup is gone, or a child removed meanwhile: walk again
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e.getCause();
                }
            }
            if (!exists()) {
                return List.of();
            }
        }
    }

    private static void readPids(Path procs, List<Integer> into) throws IOException {
        try {
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) {
                    into.add(Integer.parseInt(line.strip()));
                }
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile
        }
    }

    /** Whether any process is left in the cgroup or below (cgroup.events "populated"). */
    public boolean populated() throws IOException {
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.events"))) {
                if (line.startsWith("populated ")) {
                    return !line.endsWith(" 0");
                }
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        throw new IOException("cgroup " + dir + ": cgroup.events has no 'populated' line");
    }

    /** Moves one process (not its children already running elsewhere) into the cgroup. */
    public void add(int pid) throws IOException {
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Integer.toString(pid), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            if (Files.exists(Path.of("/proc/" + pid))) {
                throw new IOException("cgroup " + dir + ": moving pid " + pid + " in failed: " + e.getMessage(), e);
            }
            // it already exited: nothing to move
        }
    }

    /** SIGKILLs every process in the cgroup and below at once (cgroup.kill), if it exists. */
    public void kill() throws IOException {
        if (!exists()) {
            return;
        }
        try {
            Files.writeString(dir.resolve("cgroup.kill"), "1", StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException("cgroup " + dir + " has no cgroup.kill (kernel older than 5.14)", e);
        }
    }

    /** Waits until no process is left; false if some still are after {@code timeout}. */
    public boolean awaitEmpty(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (populated()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(EMPTY_POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for cgroup " + dir + " to empty");
            }
        }
        return true;
    }

    /** Kills everything left and removes the directory; the job is over. */
    public void killAndRemove(Duration timeout) throws IOException {
        if (!exists()) {
            return;
        }
        kill();
        if (!awaitEmpty(timeout)) {
            throw new IOException("cgroup " + dir + " still has pids " + pids() + " " + timeout.toMillis()
                    + " ms after cgroup.kill");
        }
        // children first: a freezer's cgroup left by a checkpoint that was cut short
        for (Path d : directories()) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException e) {
                throw new IOException("cgroup " + d + ": rmdir failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
