package io.crak.core;

/** How a process ended: its exit code, or the signal that killed it. */
public record ExitStatus(int pid, boolean exited, int exitCode, int termSig) {
    /** Shell convention: the exit code, or 128 + the signal. */
    public int shellStatus() {
        return exited ? exitCode : 128 + termSig;
    }

    @Override
    public String toString() {
        return exited ? "exit code " + exitCode : "killed by signal " + termSig;
    }
}
