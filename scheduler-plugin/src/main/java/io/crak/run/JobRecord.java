package io.crak.run;

import io.crak.job.DurationText;
import io.crak.job.NamespaceMode;
import io.crak.storage.Compression;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What {@code crak run} remembers about a job in its job directory ({@value #FILE}), so that a
 * later {@code crak run --resume JOB} (after a crash of the first) can take it over: the command
 * (to start it from the beginning when it died before its first checkpoint), its settings and its
 * cgroup (to kill whatever of it may still be running), and its owner (a restore never grants
 * more than the owner had: images whose processes ran as anyone else are refused).
 *
 * @param ownerUid the uid that started the job with {@code crak run}; records written before it
 *     was recorded take the uid owning the job directory, which that crak run created
 */
public record JobRecord(String name, List<String> command, Path workDir, Duration checkpointEvery,
        int keepGenerations, Compression compression, NamespaceMode namespace, String cgroupName, int ownerUid) {
    public static final String FILE = "job.properties";
    /** Incremented when the keys change incompatibly; a record of another version is refused. */
    static final int FORMAT_VERSION = 1;

    public JobRecord {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("job " + name + ": empty command");
        }
        if (ownerUid < 0) {
            throw new IllegalArgumentException("job " + name + ": owner uid " + ownerUid + " is not a uid");
        }
    }

    public void write(Path jobDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", Integer.toString(FORMAT_VERSION));
        p.setProperty("name", name);
        p.setProperty("command.count", Integer.toString(command.size()));
        for (int i = 0; i < command.size(); i++) {
            p.setProperty("command." + i, command.get(i));
        }
        p.setProperty("workdir", workDir.toString());
        p.setProperty("checkpoint-every", DurationText.format(checkpointEvery));
        p.setProperty("keep", Integer.toString(keepGenerations));
        p.setProperty("compression", compression.id());
        p.setProperty("namespace", namespace.optionName());
        p.setProperty("cgroup", cgroupName);
        p.setProperty("owner-uid", Integer.toString(ownerUid));
        Path tmp = jobDir.resolve(FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "crak run job record");
        }
        Files.move(tmp, jobDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static JobRecord read(Path jobDir) throws IOException {
        Path file = jobDir.resolve(FILE);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no job record: was the job started by crak run?");
        }
        try {
            int version = Integer.parseInt(required(p, "version", file));
            if (version != FORMAT_VERSION) {
                throw new IOException(file + ": job record version " + version + ", this crak reads " + FORMAT_VERSION);
            }
            int n = Integer.parseInt(required(p, "command.count", file));
            List<String> command = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                command.add(required(p, "command." + i, file));
            }
            return new JobRecord(required(p, "name", file), command, Path.of(required(p, "workdir", file)),
                    DurationText.parse(required(p, "checkpoint-every", file)),
                    Integer.parseInt(required(p, "keep", file)), Compression.parse(required(p, "compression", file)),
                    NamespaceMode.ofOptionName(required(p, "namespace", file)), required(p, "cgroup", file),
                    p.getProperty("owner-uid") == null ? (Integer) Files.getAttribute(jobDir, "unix:uid")
                            : Integer.parseInt(p.getProperty("owner-uid")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key, Path file) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException(file + ": key '" + key + "' is missing");
        }
        return v;
    }
}
