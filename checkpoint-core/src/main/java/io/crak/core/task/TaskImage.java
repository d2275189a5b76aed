package io.crak.core.task;

import io.crak.core.proc.Rlimit;
import java.util.List;

/**
 * Per-process attributes: working directory, root, umask, personality, resource limits, and the
 * parent-death signal (prctl PR_SET_PDEATHSIG) of the main thread.
 */
public record TaskImage(String cwd, String root, int umask, int personality, List<Rlimit> rlimits, int pdeathSignal) {
}
