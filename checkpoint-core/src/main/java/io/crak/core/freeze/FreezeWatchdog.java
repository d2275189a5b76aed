package io.crak.core.freeze;

import io.crak.core.CrakException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Never leave a job frozen behind a dead crak: before a cgroup is frozen, a small watchdog process
 * starts that waits for this JVM to exit (`tail --pid`) and then writes the thaw value into the
 * cgroup's freeze file. A normal {@link CgroupFreezer#close} ends the watchdog; if crak is killed
 * in the middle of a checkpoint, the watchdog outlives it and thaws the job. (The kernel module
 * needs none: its freeze session ends when its file is closed, by exit too.)
 */
final class FreezeWatchdog implements AutoCloseable {
    /** How often the watchdog looks whether crak is still alive. */
    static final String POLL_SECONDS = "0.1";

    private final Process process;

    private FreezeWatchdog(Process process) {
        this.process = process;
    }

    static FreezeWatchdog start(Path freezeFile, String thawValue) throws CrakException {
        long self = ProcessHandle.current().pid();
        String script = "tail --pid=" + self + " -s " + POLL_SECONDS + " -f /dev/null; printf '%s\\n' \"$1\" > \"$2\"";
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", script, "crak-freeze-watchdog", thawValue,
                    freezeFile.toString())
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
