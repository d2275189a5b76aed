package io.crak.job;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.RestoreRequest;
import io.crak.core.RestoredTree;
import io.crak.core.image.ImageSource;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Brings a job back from images: the engine rebuilds its tree (same pids, host namespace) as our
 * child, and the tree is put into the job's cgroup so that it can be frozen and killed as a whole
 * again.
 */
public final class JobRestorer {
    private final CheckpointEngine engine;

    public JobRestorer(CheckpointEngine engine) {
        this.engine = engine;
    }

    public RunningJob restore(String name, JobCgroup cgroup, ImageSource source) throws IOException, CrakException {
        cgroup.create();
        if (cgroup.populated()) {
            throw new IOException("job " + name + ": cgroup " + cgroup + " still holds pids " + cgroup.pids()
                    + " (another copy of the job is running)");
        }
        RestoredTree tree = engine.restore(RestoreRequest.unchecked(), source);
        int root = tree.rootPid();
        CompletableFuture<JobExit> exit = RootExitWatch.of(root);
        try {
            moveTree(root, cgroup);
        } catch (IOException e) {
            cgroup.kill();
            ProcessHandle.of(root).ifPresent(ProcessHandle::destroyForcibly);
            throw e;
        }
        return new RunningJob(name, root, cgroup, exit);
    }

    /**
     * The engine lets the tree run in our cgroup; move every process, again until a pass finds no
     * new one (a process forked meanwhile is born in its parent's cgroup, which may be the old one).
     */
    static void moveTree(int root, JobCgroup cgroup) throws IOException {
        Set<Integer> moved = new HashSet<>();
        boolean more = true;
        while (more) {
            more = false;
            Set<Integer> inCgroup = new HashSet<>(cgroup.pids());
            for (int pid : treeOf(root)) {
                if (!inCgroup.contains(pid) && moved.add(pid)) {
                    cgroup.add(pid);
                    more = true;
                }
            }
        }
    }

    private static List<Integer> treeOf(int root) {
        return ProcessHandle.of(root)
                .map(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants())
                        .map(p -> Math.toIntExact(p.pid())).toList())
                .orElse(List.of());
    }
}
