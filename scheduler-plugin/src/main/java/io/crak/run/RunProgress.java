package io.crak.run;

import io.crak.job.JobExit;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The lines {@code crak run} prints about its job, on its stderr (the job's own output owns
 * stdout), each prefixed {@code crak: } and complete on its own so that they can be grepped.
 */
final class RunProgress {
    private final PrintWriter out;

    RunProgress(PrintWriter out) {
        this.out = out;
    }

    void line(String text) {
        synchronized (out) {
            out.println("crak: " + text);
            out.flush();
        }
    }

    void started(String job, int rootPid, String storage) {
        line("job " + job + " started (pid " + rootPid + "), checkpoints in " + storage);
    }

    void checkpointed(String job, long generation, long bytes, Duration frozen, Duration total) {
        line(String.format(Locale.ROOT, "job %s generation %d written: %s, frozen %d ms, took %d ms",
                job, generation, size(bytes), frozen.toMillis(), total.toMillis()));
    }

    void checkpointFailed(String job, String reason, String latest) {
        line("job " + job + " checkpoint failed, the job keeps running (" + latest + "): " + reason);
    }

    void killed(String job, JobExit exit) {
        line("job " + job + " was " + exit + " from outside: restarting it");
    }

    void restored(String job, long generation, int rootPid, Duration took) {
        line("job " + job + " restored from generation " + generation + " (pid " + rootPid + ") in "
                + took.toMillis() + " ms");
    }

    void rerun(String job, int rootPid) {
        line("job " + job + " has no consistent generation yet: started again from the beginning (pid "
                + rootPid + ")");
    }

    void finished(String job, JobExit exit) {
        line("job " + job + " finished: " + exit + " (status " + exit.status() + ")");
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
