package io.crak.agent;

import io.crak.cluster.JobRecord;
import io.crak.core.CheckpointEngine;
import io.crak.core.DumpRequest;
import io.crak.job.JobCgroup;
import io.crak.job.JobLauncher;
import io.crak.job.JobOutput;
import io.crak.job.JobRestorer;
import io.crak.job.JobSpec;
import io.crak.job.JobUser;
import io.crak.job.NamespaceMode;
import io.crak.job.RunningJob;
import io.crak.storage.CheckpointRepository;
import io.crak.storage.GenerationInfo;
import io.crak.storage.GenerationReader;
import io.crak.storage.GenerationWriter;
import io.crak.storage.StorageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@link JobRuntime} over Crak's parts: jobs are launched by {@link JobLauncher} (crak-init, own
 * cgroup, as the owner), checkpointed by {@link CheckpointEngine} into the job's
 * {@link CheckpointRepository} on shared storage, and restored by {@link JobRestorer} (which
 * refuses images whose processes ran as anyone but the job's owner).
 *
 * <p>Layout under a job's storage root: {@code jobs/job-N/} (stdout, stderr) and
 * {@code checkpoints/job-N/} (the repository's generations).
 */
final class EngineJobRuntime implements JobRuntime {
    static final String CHECKPOINTS_DIR = "checkpoints";

    private final String node;
    private final NamespaceMode namespace;
    private final int keepGenerations;
    private final JobLauncher launcher;
    private final CheckpointEngine engine = new CheckpointEngine();
    private final JobRestorer restorer;

    EngineJobRuntime(String node, NamespaceMode namespace, int keepGenerations) throws IOException {
        this.node = node;
        this.namespace = namespace;
        this.keepGenerations = keepGenerations;
        this.launcher = JobLauncher.withBundledInit();
        this.restorer = JobRestorer.withBundledInit(engine);
    }

    /** Each copy of a job (one per epoch) has its own cgroup, so a stale copy never shares one with its successor. */
    static String cgroupName(JobRecord j) {
        return j.storageName() + "-e" + j.epoch();
    }

    private CheckpointRepository repository(JobRecord j) throws IOException {
        return CheckpointRepository.open(StorageConfig.builder(j.storageRoot().resolve(CHECKPOINTS_DIR))
                .keepGenerations(keepGenerations).build());
    }

    @Override
    public RunningJob launch(JobRecord j) throws Exception {
        UserAccount owner = UserAccount.lookup(Integer.toString(j.ownerUid()));
        Path dir = j.jobDirectory();
        Files.createDirectories(dir);
        chown(dir, owner);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        JobSpec spec = new JobSpec(j.storageName(), j.command(), j.cwd(), namespace, JobOutput.files(dir),
                cgroupName(j), Optional.of(new JobUser(owner.uid(), owner.gid())));
        RunningJob r = launcher.launch(spec);
        for (String f : new String[] {JobOutput.STDOUT_FILE, JobOutput.STDERR_FILE}) {
            chown(dir.resolve(f), owner);
        }
        return r;
    }

    @Override
    public RunningJob restore(JobRecord j, long generation) throws Exception {
        try (GenerationReader source = repository(j).open(j.storageName(), generation)) {
            // the images are checked against the owner recorded at submission, not the caller
            return restorer.restore(j.storageName(), j.ownerUid(), JobCgroup.named(cgroupName(j)), source);
        }
    }

    @Override
    public long checkpoint(JobRecord j, RunningJob running, BooleanSupplier stillOwner) throws Exception {
        GenerationInfo info = GenerationInfo.builder().processes(running.pids()).host(node)
                .label("crak.job", Long.toString(j.id())).label("crak.epoch", Long.toString(j.epoch())).build();
        long[] committed = {-1};
        try (GenerationWriter w = repository(j).begin(j.storageName(), info)) {
            engine.dump(DumpRequest.of(running.rootPid(), true), w, () -> {
                if (!stillOwner.getAsBoolean()) {
                    throw new IOException("node " + node + " no longer holds job " + j.id()
                            + " (epoch " + j.epoch() + "): generation abandoned, not committed");
                }
                committed[0] = w.commit();
            });
        }
        return committed[0];
    }

    @Override
    public java.util.List<Long> applyRetention(JobRecord j) throws Exception {
        return repository(j).applyRetention(j.storageName());
    }

    private static void chown(Path p, UserAccount owner) throws IOException {
        if (Files.exists(p)) {
            Files.setAttribute(p, "unix:uid", owner.uid());
            Files.setAttribute(p, "unix:gid", owner.gid());
        }
    }
}
