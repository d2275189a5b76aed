package io.crak.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to launch as a job.
 *
 * @param name the job's name (exported to it as {@code CRAK_JOB})
 * @param command the program and its arguments
 * @param workDir its working directory
 * @param namespace host pids or a fresh pid namespace
 * @param output where its stdout/stderr go (stdin is always /dev/null: a job is a batch job)
 * @param cgroupName the job's cgroup under {@link JobCgroup#JOBS_SUBTREE}
 * @param user credentials to run as; empty keeps the launcher's
 */
public record JobSpec(String name, List<String> command, Path workDir, NamespaceMode namespace,
        JobOutput output, String cgroupName, Optional<JobUser> user) {
    public JobSpec {
        Objects.requireNonNull(name, "name");
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("job " + name + ": empty command");
        }
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cgroupName, "cgroupName");
        Objects.requireNonNull(user, "user");
    }
}
