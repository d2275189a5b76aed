package io.crak.run;

import io.crak.job.JobExit;
import io.crak.storage.JobName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's directory on the storage root, {@code ROOT/JOB}: the checkpoint repository keeps its
 * generations there ({@code gen-*}), {@code crak run} its {@link JobRecord}, its supervision lock
 * and, when they cannot follow the terminal, the job's {@code stdout}/{@code stderr}.
 *
 * @param name the job's name
 * @param path {@code ROOT/JOB}
 */
public record JobDirectory(String name, Path path) {
    /** Default names are the command's base name, this separator and a counter. */
    static final String COUNTER_SEPARATOR = "-";
    /** Held by the crak run that supervises the job. */
    public static final String LOCK_FILE = "run.lock";
    /** Written when the job ended by itself: its status and time. */
    public static final String FINISHED_FILE = "finished";
    /** Characters of the command name that cannot be in a job name become this. */
    private static final String REPLACEMENT = "_";
    /** Room left for the counter within {@link JobName#MAX_LENGTH}. */
    private static final int MAX_BASE_LENGTH = 64;
    /** Bytes of the storage root's hash in cgroup names: unique enough among one host's roots. */
    private static final int ROOT_HASH_BYTES = 4;

    /**
     * Creates the directory of a new job: {@code name} if given (it must not exist yet), else
     * the first free {@code BASE-N} with BASE from the command. Creation is atomic, so two
     * concurrent runs never get the same job.
     */
    public static JobDirectory createNew(Path root, Optional<String> name, List<String> command) throws IOException {
        Files.createDirectories(root);
        if (name.isPresent()) {
            Path dir = root.resolve(JobName.validate(name.get()));
            try {
                createPrivateDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException(dir.toString(), null,
                        "job " + name.get() + " already exists (resume it with --resume " + name.get() + ")");
            }
            return new JobDirectory(name.get(), dir);
        }
        String base = baseName(command.get(0));
        for (int n = highestCounter(root, base) + 1; ; n++) {
            String candidate = base + COUNTER_SEPARATOR + n;
            try {
                createPrivateDirectory(root.resolve(candidate));
                return new JobDirectory(candidate, root.resolve(candidate));
            } catch (FileAlreadyExistsException e) {
                // a concurrent run took it: try the next one
            }
        }
    }

    /** The directory of an existing job; fails naming the path if there is none. */
    public static JobDirectory existing(Path root, String name) throws IOException {
        Path dir = root.resolve(JobName.validate(name));
        if (!Files.isDirectory(dir)) {
            throw new IOException("job " + name + " not found: " + dir + " does not exist");
        }
        return new JobDirectory(name, dir);
    }

    /**
     * Takes the job's supervision lock ({@value #LOCK_FILE}, an fcntl lock the kernel drops when
     * its holder dies): one crak run at a time supervises a job, so a {@code --resume} cannot kill
     * and restart a job that a live crak run is still looking after.
     */
    public FileLock lockForSupervision() throws IOException {
        FileChannel ch = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this very JVM supervises it already
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("job " + name + " is supervised by another running crak run (" + path.resolve(LOCK_FILE)
                    + " is locked)");
        }
        return lock;
    }

    /** Notes that the job ended by itself, so that it is never resumed (restored to an older state). */
    public void recordFinished(JobExit exit) throws IOException {
        Path tmp = path.resolve(FINISHED_FILE + ".tmp");
        Files.writeString(tmp, exit + " (status " + exit.status() + ") at " + Instant.now() + "\n");
        Files.move(tmp, path.resolve(FINISHED_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** How the job ended, if it ended by itself. */
    public Optional<String> finished() throws IOException {
        try {
            return Optional.of(Files.readString(path.resolve(FINISHED_FILE)).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The name of this job's cgroup: the job name and a hash of the storage root it lives on. */
    public String cgroupName() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(path.getParent().toString().getBytes(StandardCharsets.UTF_8));
            return name + "." + HexFormat.of().formatHex(digest, 0, ROOT_HASH_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    static String baseName(String command) {
        String file = Path.of(command).getFileName() == null ? command : Path.of(command).getFileName().toString();
        String base = file.replaceAll("[^A-Za-z0-9._-]", REPLACEMENT).replaceFirst("^[._-]+", "");
        if (base.isEmpty()) {
            base = "job";
        }
        return base.length() > MAX_BASE_LENGTH ? base.substring(0, MAX_BASE_LENGTH) : base;
    }

    private static int highestCounter(Path root, String base) throws IOException {
        Pattern p = Pattern.compile(Pattern.quote(base + COUNTER_SEPARATOR) + "(\\d{1,9})");
        int highest = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path e : entries) {
                Matcher m = p.matcher(e.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
            }
        }
        return highest;
    }

    /** 0700: the directory will hold full process memory. */
    private static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
}
