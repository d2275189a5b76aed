package io.crak.core.freeze;

import io.crak.core.CrakException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Never leave a job frozen behind a dead crak: before a cgroup is frozen, a small watchdog process
 * starts that waits for this JVM to exit (`tail --pid`) and then writes the thaw value into the
 * cgroup's freeze file. A normal {@link CgroupFreezer#close} ends the watchdog; if crak is killed
 * in the middle of a checkpoint, the watchdog outlives it and thaws the job. When the job had been
 * moved into a temporary cgroup to be frozen, the watchdog also moves every process back (each to
 * the cgroup it came from, one forked meanwhile to the cgroup its siblings came from) and removes
 * the temporary cgroup, so a dead crak leaves no trace in the job's cgroups either. (The kernel module
 * needs none: its freeze session ends when its file is closed, by exit too.)
 */
final class FreezeWatchdog implements AutoCloseable {
    /** How often the watchdog looks whether crak is still alive. */
    static final String POLL_SECONDS = "0.1";

    private final Process process;

    private FreezeWatchdog(Process process) {
        this.process = process;
    }

    /**
     * A temporary cgroup the job was moved into.
     *
     * @param dir the temporary cgroup
     * @param origins each moved pid and the cgroup directory it came from
     * @param fallback where a process not in origins goes (forked after the moves)
     */
    record TemporaryGroup(Path dir, java.util.Map<Integer, Path> origins, Path fallback) {
    }

    /** Thaws in place. */
    static FreezeWatchdog start(Path freezeFile, String thawValue) throws CrakException {
        return start(freezeFile, thawValue, null);
    }

    static FreezeWatchdog start(Path freezeFile, String thawValue, TemporaryGroup temporary) throws CrakException {
        long self = ProcessHandle.current().pid();
        StringBuilder script = new StringBuilder("tail --pid=" + self + " -s " + POLL_SECONDS
                + " -f /dev/null; printf '%s\\n' \"$1\" > \"$2\"");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(thawValue, freezeFile.toString()));
        if (temporary != null) {
            // $3 temporary dir, $4 fallback dir, then PID=DIR pairs; a pid that exited fails its write
            script.append("; tmp=$3; fallback=$4; shift 4; for pair; do"
                    + " echo \"${pair%%=*}\" > \"${pair#*=}/cgroup.procs\" 2>/dev/null; done;"
                    + " for pid in $(cat \"$tmp/cgroup.procs\"); do echo \"$pid\" > \"$fallback/cgroup.procs\"; done;"
                    + " rmdir \"$tmp\"");
            args.add(temporary.dir().toString());
            args.add(temporary.fallback().toString());
            temporary.origins().forEach((pid, dir) -> args.add(pid + "=" + dir));
        }
        try {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("/bin/sh", "-c", script.toString(),
                    "crak-freeze-watchdog"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new FreezeWatchdog(p);
        } catch (IOException e) {
            throw new CrakException("cannot start the freeze watchdog for " + freezeFile + ": " + e.getMessage(), e);
        }
    }

    /** crak thawed by itself: the watchdog and its tail are ended (by pid), and reaped. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
