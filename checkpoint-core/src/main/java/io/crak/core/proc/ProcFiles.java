package io.crak.core.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads files under /proc. Kept apart from the parsers so that parsing stays a pure function that
 * is tested on captured fixtures; this class is the only place that touches the live /proc.
 *
 * <p>Files are read whole in one pass: /proc files report size 0 and are generated on read, and
 * reading in one go gives the most consistent snapshot the kernel offers.
 */
public final class ProcFiles {
    /** Where procfs is mounted on every Linux host. */
    public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");

    private final Path root;

    public ProcFiles() {
        this(DEFAULT_PROC_ROOT);
    }

    /** @param root the procfs mount point to read (another mount, e.g. of a pid namespace). */
    public ProcFiles(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** {@code /proc/PID/NAME}, e.g. {@code read(42, "maps")} or {@code read(42, "fdinfo/3")}. */
    public Path path(int pid, String name) {
        return root.resolve(Integer.toString(pid)).resolve(name);
    }

    /** {@code /proc/PID/task/TID/NAME}. */
    public Path taskPath(int pid, int tid, String name) {
        return root.resolve(Integer.toString(pid)).resolve("task").resolve(Integer.toString(tid)).resolve(name);
    }

    public String read(int pid, String name) throws IOException {
        return new String(readBytes(pid, name), StandardCharsets.UTF_8);
    }

    public String readTask(int pid, int tid, String name) throws IOException {
        return new String(readTaskBytes(pid, tid, name), StandardCharsets.UTF_8);
    }

    public byte[] readBytes(int pid, String name) throws IOException {
        return readPath(pid, path(pid, name));
    }

    public byte[] readTaskBytes(int pid, int tid, String name) throws IOException {
        return readPath(pid, taskPath(pid, tid, name));
    }

    /** The target of a /proc symlink such as {@code exe}, {@code cwd} or {@code fd/3}. */
    public String readLink(int pid, String name) throws IOException {
        Path link = path(pid, name);
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw describe(pid, link, e);
        }
    }

    private static byte[] readPath(int pid, Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw describe(pid, file, e);
        }
    }

    private static IOException describe(int pid, Path file, IOException e) {
        // ESRCH shows up when the process exits between open() and read().
        if (e instanceof NoSuchFileException
                || (e.getMessage() != null && e.getMessage().contains("No such process"))) {
            return new ProcessGoneException(
                    "pid " + pid + " " + file + ": ENOENT, the process or thread has exited", e);
        }
        if (e instanceof AccessDeniedException) {
            return new IOException("pid " + pid + " " + file + ": EACCES, permission denied", e);
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new IOException("pid " + pid + " " + file + ": " + reason, e);
    }
}
