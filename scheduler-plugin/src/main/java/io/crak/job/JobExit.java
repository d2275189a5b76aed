package io.crak.job;

/**
 * How a job's root process ended: an exit code, or the signal that killed it.
 *
 * @param code the exit code when {@code signal == 0}
 * @param signal the terminating signal, 0 when the process exited by itself
 */
public record JobExit(int code, int signal) {
    /** Signal numbers as on Linux x86-64/aarch64. */
    public static final int SIGKILL = 9;
    /** Shells, crak-init and crak report death by signal N as status 128+N. */
    public static final int SIGNAL_STATUS_BASE = 128;

    public JobExit {
        if (signal < 0 || signal > 64) {
            throw new IllegalArgumentException("signal " + signal + " is not in 0..64");
        }
        if (signal == 0 && (code < 0 || code > 255)) {
            throw new IllegalArgumentException("exit code " + code + " is not in 0..255");
        }
    }

    public static JobExit exited(int code) {
        return new JobExit(code, 0);
    }

    public static JobExit killed(int signal) {
        return new JobExit(0, signal);
    }

    /**
     * From a status in shell convention (java.lang.Process reports a death by signal N as
     * 128+N, and crak-init reports its command's the same way).
     */
    public static JobExit ofStatus(int status) {
        if (status < 0 || status > SIGNAL_STATUS_BASE + 64) {
            throw new IllegalArgumentException("exit status " + status + " is not in 0.." + (SIGNAL_STATUS_BASE + 64));
        }
        return status > SIGNAL_STATUS_BASE ? killed(status - SIGNAL_STATUS_BASE) : exited(status);
    }

    public boolean wasSignaled() {
        return signal != 0;
    }

    /** Shell convention: the exit code, or 128 + signal. */
    public int status() {
        return signal == 0 ? code : SIGNAL_STATUS_BASE + signal;
    }

    @Override
    public String toString() {
        return signal == 0 ? "exit code " + code : "killed by signal " + signal;
    }
}
