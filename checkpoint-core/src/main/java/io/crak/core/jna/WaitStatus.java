package io.crak.core.jna;

/** Decodes a waitpid status word (the W* macros of sys/wait.h). */
public record WaitStatus(int pid, int raw) {
    public boolean stopped() {
        return (raw & 0xff) == 0x7f;
    }

    public boolean exited() {
        return (raw & 0x7f) == 0;
    }

    public boolean signaled() {
        return !stopped() && !exited();
    }

    public int exitCode() {
        return (raw >> 8) & 0xff;
    }

    public int termSig() {
        return raw & 0x7f;
    }

    public int stopSig() {
        return (raw >> 8) & 0xff;
    }

    /** PTRACE_EVENT_* of a ptrace event stop, 0 otherwise. */
    public int event() {
        return raw >>> 16;
    }

    /** Exit status in shell convention: the code, or 128 + signal. */
    public int shellStatus() {
        return exited() ? exitCode() : 128 + termSig();
    }

    @Override
    public String toString() {
        if (stopped()) {
            return "pid " + pid + " stopped by signal " + stopSig() + (event() != 0 ? " event " + event() : "");
        }
        return exited() ? "pid " + pid + " exited " + exitCode() : "pid " + pid + " killed by signal " + termSig();
    }
}
