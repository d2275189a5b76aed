package io.crak.job;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.RestoreRequest;
import io.crak.core.RestoredTree;
import io.crak.core.image.ImageSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Brings a job back from images: the engine rebuilds its tree as our child, inside the job's
 * cgroup from its first process on (so it can be frozen and killed as a whole again, and no
 * process of it ever runs outside). A host-namespace tree gets its exact host pids; a
 * pid-namespace tree gets a new pid namespace with its namespace pids and whatever host pids the
 * kernel gives.
 *
 * <p>A restore never grants more than the job's owner had: every process of the images must have
 * run as the owner's uid, except the root when it is this build's crak-init (which runs as root
 * and drops to the owner itself). Images saying otherwise are refused before anything is created.
 */
public final class JobRestorer {
    private final CheckpointEngine engine;
    /** Resolved: the engine compares it with the executable the images name, a resolved path. */
    private final Path crakInit;

    public JobRestorer(CheckpointEngine engine, Path crakInit) throws IOException {
        this.engine = engine;
        this.crakInit = crakInit.toRealPath();
    }

    /** A restorer trusting the crak-init of this build or installation as the root of a job. */
    public static JobRestorer withBundledInit(CheckpointEngine engine) throws IOException {
        return new JobRestorer(engine, CrakInitBinary.locate());
    }

    /**
     * Restores job {@code name}, owned by {@code ownerUid}, from {@code source} into {@code cgroup}
     * (created if missing; it must hold no process: another copy of the job may be running).
     */
    public RunningJob restore(String name, int ownerUid, JobCgroup cgroup, ImageSource source)
            throws IOException, CrakException {
        if (ownerUid < 0) {
            throw new IllegalArgumentException("job " + name + ": owner uid " + ownerUid + " is not a uid");
        }
        cgroup.create();
        if (cgroup.populated()) {
            throw new IOException("job " + name + ": cgroup " + cgroup + " still holds pids " + cgroup.pids()
                    + " (another copy of the job is running)");
        }
        RestoredTree tree = engine.restore(RestoreRequest.forJob(ownerUid, crakInit).inCgroup(cgroup.path()), source);
        int root = tree.rootPid();
        CompletableFuture<JobExit> exit = RootExitWatch.of(root);
        return new RunningJob(name, root, cgroup, exit);
    }
}
