package io.crak.samples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample jobs built into {@code sample-jobs/target/bin}: native programs, and launchers of the
 * JVM ones that exec {@code java}. Each prints progress lines
 * and, as its last line, {@code checksum <16 hex digits>}, which must not change however often
 * the job is checkpointed, killed and restored.
 */
public enum SampleJob {
    /** pthreads: mutex/condvar handshake and a barrier per step, thread-local state. */
    MT_COMPUTE("mt-compute", List.of("--steps", "2500")),
    /** A new process group of forked workers per round, a setsid keeper, shared memory, exit codes. */
    PROC_TREE("proc-tree", List.of("--rounds", "200")),
    /** Large anonymous memory rewritten in passes, plus a never-touched region. */
    MEMHOG("memhog", List.of("--mib", "128", "--passes", "22", "--untouched-mib", "256")),
    /** Coordinator and workers exchanging halo rows directly through pipes. */
    STENCIL_PIPE("stencil-pipe", List.of("--steps", "3000")),
    /** The same stencil in a star over socketpair(AF_UNIX); add {@code --transport tcp} for TCP. */
    STENCIL_SOCKET("stencil-socket", List.of("--steps", "3000")),
    /**
     * An unlinked scratch file rewritten in place and a records file written once per offset.
     * The records file's default path depends only on the parameters: copies running at the same
     * time need distinct {@code --tmp PATH} arguments.
     */
    SCRATCH_FILES("scratch-files", List.of("--steps", "5000")),
    /** A JVM (workers, GC and JIT threads, a heap with garbage and a map kept across steps). */
    JAVA_COMPUTE("java-compute", List.of("--steps", "2500"));

    private final String binaryName;
    private final List<String> quickArgs;

    SampleJob(String binaryName, List<String> quickArgs) {
        this.binaryName = binaryName;
        this.quickArgs = quickArgs;
    }

    /** File name of the program in the binaries directory. */
    public String binaryName() {
        return binaryName;
    }

    /**
     * Arguments for a run of about two seconds on a 2-core machine: long enough to checkpoint it
     * in mid-computation, short enough for tests. Defaults (no arguments) run 5-10 seconds.
     */
    public List<String> quickArgs() {
        return quickArgs;
    }

    /** Absolute path of the built program; see {@link SampleJobs#binDir()}. */
    public Path binary() {
        return SampleJobs.binary(this);
    }

    /** The command line running this job with the given arguments. */
    public List<String> command(List<String> args) {
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(binary().toString());
        command.addAll(args);
        return command;
    }

    /** The command line running this job with {@link #quickArgs()}. */
    public List<String> quickCommand() {
        return command(quickArgs);
    }
}
