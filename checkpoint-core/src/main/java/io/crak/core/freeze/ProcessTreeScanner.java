package io.crak.core.freeze;

import io.crak.core.CrakException;
import io.crak.core.proc.ChildrenParser;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.ProcStat;
import io.crak.core.proc.ProcessGoneException;
import io.crak.core.proc.StatParser;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a process and all its descendants through /proc/PID/task/TID/children of every thread.
 *
 * <p>A scan of a running tree is only a snapshot: processes fork and exit while it runs, which is
 * why freezers re-scan once the known processes are frozen. Processes that exit mid-scan are
 * skipped; a child whose parent pid does not match (its pid was reused between the two reads) is
 * not followed.
 */
public final class ProcessTreeScanner {
    private final ProcFiles proc;

    public ProcessTreeScanner() {
        this(new ProcFiles());
    }

    public ProcessTreeScanner(ProcFiles proc) {
        this.proc = proc;
    }

    /**
     * @return every process of the tree (root first, then breadth first) with its stat; zombies
     *     included (state Z), since they are part of the tree and hold their pids
     * @throws CrakException when the root itself does not exist
     */
    public Map<Integer, ProcStat> scan(int rootPid) throws CrakException {
        Map<Integer, ProcStat> tree = new LinkedHashMap<>();
        ProcStat root = stat(rootPid);
        if (root == null) {
            throw new CrakException("pid " + rootPid + ": no such process (/proc/" + rootPid + " is absent)");
        }
        tree.put(rootPid, root);
        Deque<Integer> queue = new ArrayDeque<>(List.of(rootPid));
        while (!queue.isEmpty()) {
            int parent = queue.poll();
            for (int child : children(parent)) {
                if (tree.containsKey(child)) {
                    continue;
                }
                ProcStat stat = stat(child);
                if (stat != null && stat.ppid() == parent) {
                    tree.put(child, stat);
                    queue.add(child);
                }
            }
        }
        return tree;
    }

    /** The children of every thread of {@code pid}; empty when the process has gone. */
    public List<Integer> children(int pid) throws CrakException {
        List<Integer> children = new ArrayList<>();
        for (int tid : threads(pid)) {
            try {
                children.addAll(ChildrenParser.parse(proc.readTask(pid, tid, "children")));
            } catch (ProcessGoneException e) {
                // the thread exited; its children were reparented and appear elsewhere or not at all
            } catch (IOException e) {
                throw new CrakException(e.getMessage(), e);
            }
        }
        return children;
    }

    /** Thread ids of {@code pid} in ascending order; empty when the process has gone. */
    public List<Integer> threads(int pid) throws CrakException {
        Path taskDir = proc.path(pid, "task");
        List<Integer> tids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(taskDir)) {
            for (Path entry : dir) {
                tids.add(Integer.parseInt(entry.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                return List.of();
            }
            throw new CrakException("pid " + pid + " " + taskDir + ": " + e.getMessage(), e);
        }
        tids.sort(null);
        return tids;
    }

    /** The stat of {@code pid}, or null when it has gone. */
    public ProcStat stat(int pid) throws CrakException {
        try {
            return StatParser.parse(proc.read(pid, "stat"));
        } catch (ProcessGoneException e) {
            return null;
        } catch (IOException e) {
            throw new CrakException(e.getMessage(), e);
        }
    }
}
