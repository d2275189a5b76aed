package io.crak.core.freeze;

/** Freezer backends in order of preference: the first one present on the host is chosen. */
public enum FreezerKind {
    /** Crak's kernel module ({@code /dev/crak}): atomic, fork-proof, invisible to the job. */
    KMOD,
    /** cgroup v2 {@code cgroup.freeze}. */
    CGROUP_V2,
    /** cgroup v1 freezer controller ({@code freezer.state}). */
    CGROUP_V1,
    /** PTRACE_SEIZE + PTRACE_INTERRUPT of every thread, forks followed with PTRACE_O_TRACEFORK. */
    PTRACE
}
