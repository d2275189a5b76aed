package io.crak.job;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a job's stdout and stderr go. The engine can checkpoint only regular files, terminals and
 * /dev/null as the job's standard fds (no pipes or sockets yet), so a job follows its
 * supervisor's stdout/stderr when those are such files and otherwise writes to files in its job
 * directory; {@link #note()} then says so for the user.
 *
 * @param stdout the job's fd 1
 * @param stderr the job's fd 2
 * @param note why the output does not go where the supervisor's does, if it does not
 */
public record JobOutput(Redirect stdout, Redirect stderr, Optional<String> note) {
    public static final String STDOUT_FILE = "stdout";
    public static final String STDERR_FILE = "stderr";

    /** What one of our own fds points to, from its /proc/self/fd link. */
    enum FdKind {
        REGULAR_FILE, DEV_NULL, TERMINAL, PIPE, SOCKET, OTHER;

        boolean checkpointable() {
            return this == REGULAR_FILE || this == DEV_NULL || this == TERMINAL;
        }
    }

    /**
     * Both streams to files {@value #STDOUT_FILE} and {@value #STDERR_FILE} in {@code jobDir},
     * truncated at launch and written at the job's own offset (not O_APPEND): after a restore the
     * job rewrites from where it was checkpointed, so the file ends up exactly as an
     * uninterrupted run would have left it.
     */
    public static JobOutput files(Path jobDir) {
        return new JobOutput(Redirect.to(jobDir.resolve(STDOUT_FILE).toFile()),
                Redirect.to(jobDir.resolve(STDERR_FILE).toFile()), Optional.empty());
    }

    /**
     * The job inherits this process's fd 1 and 2 where the engine can checkpoint them; each that
     * it cannot is replaced by a file in {@code jobDir}.
     */
    public static JobOutput followingThisProcess(Path jobDir) {
        FdKind out = kindOf(1);
        FdKind err = kindOf(2);
        Redirect stdout = out.checkpointable() ? Redirect.INHERIT
                : Redirect.to(jobDir.resolve(STDOUT_FILE).toFile());
        Redirect stderr = err.checkpointable() ? Redirect.INHERIT
                : Redirect.to(jobDir.resolve(STDERR_FILE).toFile());
        StringBuilder note = new StringBuilder();
        if (!out.checkpointable()) {
            note.append("stdout is a ").append(out.name().toLowerCase().replace('_', ' '))
                    .append(", the job's stdout goes to ").append(stdout.file());
        }
        if (!err.checkpointable()) {
            note.append(note.length() == 0 ? "" : "; ").append("stderr is a ")
                    .append(err.name().toLowerCase().replace('_', ' '))
                    .append(", the job's stderr goes to ").append(stderr.file());
        }
        return new JobOutput(stdout, stderr, note.length() == 0 ? Optional.empty() : Optional.of(note.toString()));
    }

    static FdKind kindOf(int fd) {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return FdKind.OTHER; // closed fd: give the job a file instead
        }
        return kindOfLink(target);
    }

    static FdKind kindOfLink(String target) {
        if (target.startsWith("pipe:")) {
            return FdKind.PIPE;
        }
        if (target.startsWith("socket:")) {
            return FdKind.SOCKET;
        }
        if (target.equals("/dev/null")) {
            return FdKind.DEV_NULL;
        }
        if (target.startsWith("/dev/pts/") || target.matches("/dev/tty[0-9]*") || target.equals("/dev/console")) {
            return FdKind.TERMINAL;
        }
        Path p = Path.of(target);
        // a deleted file (" (deleted)") cannot be reopened by path at restore
        if (target.startsWith("/") && Files.isRegularFile(p)) {
            return FdKind.REGULAR_FILE;
        }
        return FdKind.OTHER;
    }
}
