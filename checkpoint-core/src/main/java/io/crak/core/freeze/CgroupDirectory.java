package io.crak.core.freeze;

import io.crak.core.CrakException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** One cgroup directory (v1 or v2) and the few files the freezers use. */
final class CgroupDirectory {
    static final String PROCS = "cgroup.procs";

    private final Path dir;

    CgroupDirectory(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    boolean exists() {
        return Files.isDirectory(dir);
    }

    String read(String file) throws CrakException {
        Path p = dir.resolve(file);
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new CrakException("cgroup " + p + ": read failed: " + ErrnoNames.describe(e), e);
        }
    }

    /** Writes {@code value} in a single write(2), as cgroup files require. */
    void write(String file, String value) throws CrakException {
        Path p = dir.resolve(file);
        try {
            writeRaw(p, value);
        } catch (IOException e) {
            throw new CrakException("cgroup " + p + ": writing '" + value.strip() + "' failed: "
                    + ErrnoNames.describe(e), e);
        }
    }

    /** The processes (thread-group ids) directly in this cgroup. */
    List<Integer> procs() throws CrakException {
        List<Integer> pids = new ArrayList<>();
        for (String line : read(PROCS).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Integer.parseInt(line.strip()));
            }
        }
        return pids;
    }

    /**
     * Moves the whole thread group of {@code pid} into this cgroup.
     *
     * @return false when the process has exited (ESRCH), true when moved
     */
    boolean move(int pid) throws CrakException {
        Path p = dir.resolve(PROCS);
        try {
            writeRaw(p, pid + "\n");
            return true;
        } catch (IOException e) {
            if (ErrnoNames.isNoSuchProcess(e)) {
                return false;
            }
            throw new CrakException("pid " + pid + ": moving into cgroup " + dir + " failed: "
                    + ErrnoNames.describe(e), e);
        }
    }

    /** This cgroup and every cgroup below it, parents first. */
    List<CgroupDirectory> subtree() throws CrakException {
        List<CgroupDirectory> out = new ArrayList<>();
        out.add(this);
        for (int i = 0; i < out.size(); i++) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(out.get(i).dir, Files::isDirectory)) {
                for (Path child : entries) {
                    out.add(new CgroupDirectory(child));
                }
            } catch (IOException e) {
                throw new CrakException("cgroup " + out.get(i).dir + ": listing failed: " + ErrnoNames.describe(e), e);
            }
        }
        return out;
    }

    void create() throws CrakException {
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new CrakException("cgroup " + dir + ": mkdir failed: " + ErrnoNames.describe(e), e);
        }
    }

    /** rmdir; the kernel refuses with EBUSY while a process is still inside. */
    void remove() throws IOException {
        Files.delete(dir);
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    private static void writeRaw(Path p, String value) throws IOException {
        Files.write(p, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    }
}
