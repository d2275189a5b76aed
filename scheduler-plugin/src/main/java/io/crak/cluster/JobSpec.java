package io.crak.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a user submits: {@code crak submit --checkpoint-every DUR [--name N] [--slots K]
 * [--priority P] [--requeue auto|never] [--storage DIR] -- CMD...}. Validated on construction.
 *
 * @param storageRoot the shared storage root holding the job's directory (output files and
 *     checkpoints)
 * @param cwd the directory the command starts in
 */
public record JobSpec(String name, List<String> command, Path cwd, Duration checkpointEvery, int slots,
        int priority, RequeuePolicy requeue, Path storageRoot) {
    public static final int DEFAULT_SLOTS = 1;
    public static final int DEFAULT_PRIORITY = 0;
    public static final int MAX_PRIORITY = 1_000_000;
    public static final int MAX_NAME_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public JobSpec {
        Objects.requireNonNull(requeue, "requeue");
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command given after --");
        }
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("job name '" + name + "' must be 1-" + MAX_NAME_LENGTH
                    + " of letters, digits, '.', '_', '-', starting with a letter or digit");
        }
        if (!cwd.isAbsolute()) {
            throw new IllegalArgumentException("working directory " + cwd + " is not absolute");
        }
        if (!storageRoot.isAbsolute()) {
            throw new IllegalArgumentException("storage " + storageRoot + " is not an absolute path");
        }
        if (checkpointEvery.isNegative() || checkpointEvery.isZero()) {
            throw new IllegalArgumentException("--checkpoint-every " + checkpointEvery + " must be positive");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("--slots " + slots + " must be at least 1");
        }
        if (Math.abs(priority) > MAX_PRIORITY) {
            throw new IllegalArgumentException("--priority " + priority + " is outside -" + MAX_PRIORITY + ".." + MAX_PRIORITY);
        }
    }

    /** The default name: the command's base name. */
    public static String defaultName(List<String> command) {
        String base = Path.of(command.get(0)).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0))) {
            base = "job" + base;
        }
        return base.length() > MAX_NAME_LENGTH ? base.substring(0, MAX_NAME_LENGTH) : base;
    }
}
