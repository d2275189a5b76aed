package io.crak.core.freeze;

import io.crak.core.CrakException;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.ProcStat;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Freezes a process tree with a cgroup freezer (v2 {@code cgroup.freeze} or the v1 freezer
 * controller; subclasses say which files to use).
 *
 * <p>If the tree already sits alone in its own cgroup (that cgroup and those below it hold exactly
 * the tree's processes), that cgroup is frozen in place. Otherwise a fresh cgroup
 * {@code crak-freeze-ROOTPID-N} is created below the lowest common ancestor of the tree's cgroups,
 * every process is moved into it and it is frozen. Processes forked while the moves ran are caught
 * by re-scanning the tree once frozen and moving the newcomers in (a process moved into a frozen
 * cgroup freezes at once), until a scan finds nothing new. {@link #close()} moves every process back
 * to its original cgroup and removes the temporary one; a failed freeze does the same before
 * throwing, so no process is left frozen and no cgroup left behind.
 */
public abstract class CgroupFreezer implements Freezer {
    private static final System.Logger LOG = System.getLogger(CgroupFreezer.class.getName());
    static final String TEMP_PREFIX = "crak-freeze-";
    private static final Duration FIRST_POLL = Duration.ofMillis(1);
    private static final Duration MAX_POLL = Duration.ofMillis(10);
    /** How long close() keeps retrying rmdir while exiting processes leave the cgroup. */
    private static final Duration REMOVE_GRACE = Duration.ofSeconds(2);
    /** close() gives up emptying a temporary cgroup whose processes keep forking after this many rounds. */
    private static final int MAX_EMPTYING_ROUNDS = 100;

    protected final ProcFiles proc;
    private final ProcessTreeScanner scanner;
    private final CgroupHierarchy hierarchy;

    private CgroupDirectory group;
    private boolean createdGroup;
    private String originalFreezeState;
    private final Map<Integer, String> originalCgroups = new LinkedHashMap<>();
    private FreezeWatchdog watchdog;
    private String fallbackCgroup;

    CgroupFreezer(ProcFiles proc, CgroupHierarchy hierarchy) {
        this.proc = proc;
        this.scanner = new ProcessTreeScanner(proc);
        this.hierarchy = hierarchy;
    }

    /** Asks the kernel to freeze every process in {@code dir} and below. */
    abstract void requestFreeze(CgroupDirectory dir) throws CrakException;

    abstract void requestThaw(CgroupDirectory dir) throws CrakException;

    /** The file and value that thaw a cgroup, for the watchdog that thaws it if crak dies. */
    abstract String[] thawWrite(CgroupDirectory dir);

    /** True once every process of {@code dir} (and below) is frozen. */
    abstract boolean isFrozen(CgroupDirectory dir) throws CrakException;

    /** The cgroup's own freeze request, to restore it when freezing in place. */
    abstract String freezeState(CgroupDirectory dir) throws CrakException;

    abstract void restoreFreezeState(CgroupDirectory dir, String state) throws CrakException;

    /** Whether the hierarchy's root cgroup may be frozen (neither v1 nor v2 allow it). */
    private boolean freezable(String cgroupPath) {
        return !cgroupPath.equals("/");
    }

    /** The cgroup frozen by the last successful {@link #freeze}, for diagnostics and tests. */
    public Optional<java.nio.file.Path> frozenCgroup() {
        return Optional.ofNullable(group).map(CgroupDirectory::path);
    }

    @Override
    public synchronized Set<Integer> freeze(int rootPid, Duration timeout) throws CrakException {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new CrakException("pid " + rootPid + ": freeze timeout must be positive, got " + timeout);
        }
        if (group != null) {
            throw new CrakException("pid " + rootPid + ": this " + kind() + " freezer already holds cgroup " + group);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Map<Integer, ProcStat> tree = scanTree(rootPid);
            Map<Integer, String> cgroups = cgroupsOf(tree);
            Optional<String> own = ownCgroup(rootPid, cgroups);
            if (own.isPresent()) {
                group = hierarchy.directory(own.get());
                originalFreezeState = freezeState(group);
                watch(group);
                requestFreeze(group);
                awaitFrozen(deadline, rootPid, timeout);
            } else {
                String parent = CgroupHierarchy.commonAncestor(new ArrayList<>(cgroups.values()));
                fallbackCgroup = parent;
                group = createTempGroup(parent, rootPid);
                createdGroup = true;
                moveIn(cgroups);
                watchTemporary(group);
                requestFreeze(group);
                awaitFrozen(deadline, rootPid, timeout);
            }
            return catchLateForks(rootPid, deadline, timeout);
        } catch (CrakException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void watch(CgroupDirectory dir) throws CrakException {
        String[] w = thawWrite(dir);
        watchdog = FreezeWatchdog.start(java.nio.file.Path.of(w[0]), w[1]);
    }

    private void watchTemporary(CgroupDirectory dir) throws CrakException {
        String[] w = thawWrite(dir);
        Map<Integer, java.nio.file.Path> origins = new LinkedHashMap<>();
        for (Map.Entry<Integer, String> e : originalCgroups.entrySet()) {
            origins.put(e.getKey(), hierarchy.directory(e.getValue()).path());
        }
        watchdog = FreezeWatchdog.start(java.nio.file.Path.of(w[0]), w[1], new FreezeWatchdog.TemporaryGroup(dir.path(),
                origins, hierarchy.directory(fallbackCgroup).path()));
    }

    @Override
    public synchronized void thaw() throws CrakException {
        if (group == null) {
            throw new CrakException(kind() + " freezer: thaw() without a frozen tree");
        }
        requestThaw(group);
    }

    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        try {
            if (createdGroup) {
                emptyAndRemove();
            } else {
                restoreFreezeState(group, originalFreezeState);
            }
        } catch (CrakException | RuntimeException e) {
            LOG.log(Level.ERROR, "restoring after " + kind() + " freeze of " + group + ": " + e.getMessage(), e);
        } finally {
            if (watchdog != null) {
                watchdog.close();
                watchdog = null;
            }
            group = null;
            createdGroup = false;
            originalCgroups.clear();
        }
    }

    private Map<Integer, ProcStat> scanTree(int rootPid) throws CrakException {
        Map<Integer, ProcStat> tree = scanner.scan(rootPid);
        int self = (int) ProcessHandle.current().pid();
        if (tree.containsKey(self)) {
            throw new CrakException("pid " + rootPid + ": tree contains this process (pid " + self
                    + "), freezing it would freeze the freezer");
        }
        return tree;
    }

    /** Current cgroup of every live (non-zombie) process; zombies cannot move and do not run. */
    private Map<Integer, String> cgroupsOf(Map<Integer, ProcStat> tree) throws CrakException {
        Map<Integer, String> cgroups = new LinkedHashMap<>();
        for (Map.Entry<Integer, ProcStat> e : tree.entrySet()) {
            if (e.getValue().isExited()) {
                continue;
            }
            Optional<String> path = hierarchy.cgroupOf(proc, e.getKey());
            path.ifPresent(p -> cgroups.put(e.getKey(), p));
        }
        return cgroups;
    }

    /**
     * The single cgroup holding exactly the tree, if there is one and it may be frozen. The tree
     * keeps forking while this runs, so the cgroup's members are compared with a scan taken after
     * reading them: a member missing from both scans must be a foreign process, unless it exited.
     */
    private Optional<String> ownCgroup(int rootPid, Map<Integer, String> cgroups) throws CrakException {
        Set<String> distinct = new HashSet<>(cgroups.values());
        if (distinct.size() != 1) {
            return Optional.empty();
        }
        String path = distinct.iterator().next();
        if (!freezable(path)) {
            return Optional.empty();
        }
        Set<Integer> inside = new HashSet<>();
        for (CgroupDirectory d : hierarchy.directory(path).subtree()) {
            inside.addAll(d.procs());
        }
        inside.removeAll(cgroups.keySet());
        inside.removeAll(scanner.scan(rootPid).keySet());
        for (int pid : inside) {
            ProcStat stat = scanner.stat(pid);
            if (stat != null && !stat.isExited()) {
                return Optional.empty();
            }
        }
        return Optional.of(path);
    }

    private CgroupDirectory createTempGroup(String parentPath, int rootPid) throws CrakException {
        CgroupDirectory parent = hierarchy.directory(parentPath);
        for (int n = 0; ; n++) {
            CgroupDirectory candidate = new CgroupDirectory(parent.path().resolve(TEMP_PREFIX + rootPid + "-" + n));
            if (!candidate.exists()) {
                candidate.create();
                return candidate;
            }
        }
    }

    /** Moves processes into the temporary group, remembering where each came from. */
    private void moveIn(Map<Integer, String> cgroups) throws CrakException {
        for (Map.Entry<Integer, String> e : cgroups.entrySet()) {
            originalCgroups.putIfAbsent(e.getKey(), e.getValue());
            try {
                group.move(e.getKey());
            } catch (CrakException failure) {
                ProcStat now = scanner.stat(e.getKey());
                if (now != null && !now.isExited()) {
                    throw failure;
                } // it exited while being moved: nothing left to freeze
            }
        }
    }

    /**
     * Re-scans the frozen tree: a process forked before its parent was moved may still be outside.
     * Moves such newcomers in and waits for the freeze again until nothing new shows up.
     */
    private Set<Integer> catchLateForks(int rootPid, long deadline, Duration timeout) throws CrakException {
        while (true) {
            Map<Integer, ProcStat> tree = scanner.scan(rootPid);
            Set<Integer> members = members();
            Map<Integer, String> outside = new LinkedHashMap<>();
            for (Map.Entry<Integer, String> e : cgroupsOf(tree).entrySet()) {
                if (!members.contains(e.getKey())) {
                    outside.put(e.getKey(), e.getValue());
                }
            }
            if (outside.isEmpty()) {
                return new LinkedHashSet<>(tree.keySet());
            }
            if (!createdGroup) {
                // frozen in place, yet a process of the tree lives elsewhere: it was moved out meanwhile
                throw new CrakException("pid " + outside.keySet().iterator().next() + ": left cgroup " + group
                        + " (now in " + outside.values().iterator().next() + ") while its tree was frozen");
            }
            moveIn(outside);
            awaitFrozen(deadline, rootPid, timeout);
        }
    }

    private Set<Integer> members() throws CrakException {
        Set<Integer> inside = new HashSet<>();
        for (CgroupDirectory d : group.subtree()) {
            inside.addAll(d.procs());
        }
        return inside;
    }

    private void awaitFrozen(long deadline, int rootPid, Duration timeout) throws CrakException {
        long pollNanos = FIRST_POLL.toNanos();
        while (!isFrozen(group)) {
            if (System.nanoTime() - deadline >= 0) {
                throw new CrakException("pid " + rootPid + ": " + kind() + " freeze of cgroup " + group
                        + " not complete after " + timeout.toMillis() + " ms; not frozen: " + unfrozenThreads());
            }
            sleepNanos(pollNanos);
            pollNanos = Math.min(pollNanos * 2, MAX_POLL.toNanos());
        }
    }

    /** Names the threads that do not look frozen, for the timeout message. */
    private String unfrozenThreads() {
        List<String> culprits = new ArrayList<>();
        try {
            for (int pid : members()) {
                for (int tid : scanner.threads(pid)) {
                    String wchan = readQuietly(proc, pid, tid, "wchan");
                    String stat = readQuietly(proc, pid, tid, "stat");
                    if (stat.isEmpty()) {
                        continue; // exited meanwhile
                    }
                    ProcStat task = io.crak.core.proc.StatParser.parse(stat);
                    if (!looksFrozen(task.state(), wchan)) {
                        culprits.add("pid " + pid + " tid " + tid + " (" + task.comm() + ") state " + task.state()
                                + " in " + (wchan.isEmpty() ? "user space" : wchan));
                    }
                }
            }
        } catch (CrakException | RuntimeException e) {
            culprits.add("(" + e.getMessage() + ")");
        }
        return culprits.isEmpty() ? "none identified" : String.join(", ", culprits);
    }

    /**
     * Whether a thread in this scheduler state, sleeping in this kernel function (/proc wchan),
     * looks frozen by this backend. Only used to name the culprits when a freeze times out.
     */
    abstract boolean looksFrozen(char state, String wchan);

    private static String readQuietly(ProcFiles proc, int pid, int tid, String name) {
        try {
            String s = proc.readTask(pid, tid, name).strip();
            return s.equals("0") ? "" : s;
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Moves every process of the temporary cgroup back where it came from (a process forked inside
     * it goes where its parent came from, else to the common ancestor), then removes it.
     */
    private void emptyAndRemove() throws CrakException {
        for (int round = 0; round < MAX_EMPTYING_ROUNDS; round++) {
            List<Integer> left = new ArrayList<>(members());
            if (left.isEmpty()) {
                break;
            }
            for (int pid : left) {
                hierarchy.directory(destinationOf(pid)).move(pid);
            }
        }
        // Should a process have resisted the moves, it must not stay frozen: thaw before rmdir.
        requestThaw(group);
        long deadline = System.nanoTime() + REMOVE_GRACE.toNanos();
        while (true) {
            try {
                group.remove();
                return;
            } catch (IOException e) {
                if (!ErrnoNames.isBusy(e) || System.nanoTime() - deadline >= 0) {
                    throw new CrakException("cgroup " + group + ": rmdir failed: " + ErrnoNames.describe(e)
                            + "; processes left: " + members(), e);
                }
                sleepNanos(MAX_POLL.toNanos());
            }
        }
    }

    private String destinationOf(int pid) throws CrakException {
        String original = originalCgroups.get(pid);
        if (original != null) {
            return original;
        }
        ProcStat stat = scanner.stat(pid);
        if (stat != null && originalCgroups.containsKey(stat.ppid())) {
            return originalCgroups.get(stat.ppid());
        }
        return fallbackCgroup;
    }

    private static void sleepNanos(long nanos) throws CrakException {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrakException("interrupted while waiting for a cgroup freezer", e);
        }
    }
}
