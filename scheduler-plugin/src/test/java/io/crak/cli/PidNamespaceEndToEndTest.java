package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.core.freeze.ProcessTreeScanner;
import io.crak.core.proc.ProcFiles;
import io.crak.core.proc.ProcessGoneException;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jobs that run as pid 1 of their own pid namespace (started under util-linux {@code unshare
 * --pid --fork --mount-proc}, which is not dumped: the dumped root is its child, the namespace's
 * init) survive dump, kill and restore through the real CLI: the restored tree lives in a fresh
 * pid namespace with its own /proc, every process has its namespace pid back whatever host pid it
 * got, the same images restore twice at the same time, and the final checksum is the one of an
 * uninterrupted run. Trees the engine cannot restore are refused, and the job runs on.
 */
@Tag("integration")
class PidNamespaceEndToEndTest {
    private static final long JOB_TIMEOUT_SECONDS = 120;
    private static final long CLI_TIMEOUT_SECONDS = 90;
    /** How long unshare may take to fork and exec the job. */
    private static final Duration INIT_APPEARS = Duration.ofSeconds(10);
    /**
     * Two looks at a tree this far apart tell its long-lived processes (in both, same host pid) from
     * proc-tree's round workers, which live a few milliseconds; only the long-lived ones can be
     * compared before a dump and after a restore.
     */
    private static final Duration LONG_LIVED_GAP = Duration.ofMillis(500);
    private static final int ROUNDS = 3;
    /** When the job restored twice is dumped, at least (of a run of about 9 s on an idle machine). */
    private static final Duration TWICE_DUMP_AFTER = Duration.ofSeconds(3);
    private static final Pattern RESTORED_ROOT = Pattern.compile("crak: restored \\d+ process\\(es\\), root pid (\\d+)");
    /** Uninterrupted runs, one per job, shared by the tests of this class. */
    private static final Map<SampleJob, String> REFERENCES = new ConcurrentHashMap<>();
    /** Reads of /proc that tell a task that exited meanwhile (ProcessGoneException) from a failure. */
    private static final ProcFiles PROC = new ProcFiles();
    private static final ProcessTreeScanner SCANNER = new ProcessTreeScanner(PROC);

    @TempDir
    Path dir;

    /** Every process this test started (unshare, crak), ended in {@link #endEverythingStarted}. */
    private final List<Process> started = new ArrayList<>();
    /** Namespace inits seen (started or restored): killing one kills its whole namespace. */
    private final List<ProcessHandle> inits = new ArrayList<>();

    @BeforeAll
    static void reapOrphans() {
        ChildReaper.get();
    }

    @AfterEach
    void endEverythingStarted() throws InterruptedException {
        for (ProcessHandle init : inits) {
            init.destroyForcibly();
        }
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = SampleJob.class, names = {"MT_COMPUTE", "PROC_TREE", "STENCIL_PIPE"})
    void dumpKillRestoreRepeatedlyKeepsNamespacePidsAndTheChecksum(SampleJob job) throws Exception {
        Callable<String> expected = reference(job);
        Random rnd = new Random();
        Path out = dir.resolve("job.out");
        NamespaceJob first = startInNamespace(job, out);
        int root = first.init();
        Process restore = null;
        int dumps = 0;
        for (int i = 0; i < ROUNDS; i++) {
            Thread.sleep(200 + rnd.nextInt(600));
            if (restore != null && !restore.isAlive()) {
                break; // the job finished before this round: enough if dumps >= 2
            }
            assertOwnProc(root);
            Set<Integer> before = longLivedNamespacePids(root);
            assertTrue(before.contains(1), () -> "the namespace init is not among " + before);
            Path images = dir.resolve("images-" + i);
            Path dumpLog = dir.resolve("dump-" + i + ".log");
            int dumpedRoot = root;
            int rc = crak(dumpLog, "dump", "--pid", Integer.toString(root), "--images", images.toString());
            assertEquals(0, rc, () -> "dump of namespace init " + dumpedRoot + " failed: " + CrakCli.read(dumpLog)
                    + "\njob output:\n" + tail(out));
            Process dumped = restore == null ? first.unshare() : restore;
            assertTrue(dumped.waitFor(10, TimeUnit.SECONDS), "the dumped job was not killed");
            dumps++;
            Path restoreLog = dir.resolve("restore-" + i + ".log");
            restore = track(CrakCli.command(restoreLog, "restore", "--images", images.toString()).start());
            int restoredRoot = awaitRestoredRoot(restore, restoreLog);
            if (restoredRoot == 0) {
                break; // finished already (only possible near the job's end); checked below
            }
            assertNotEquals(root, restoredRoot, "a fresh namespace's init gets a new host pid");
            root = restoredRoot;
            assertOwnProc(root);
            Set<Integer> after = longLivedNamespacePids(root);
            assertEquals(before, after, "namespace pids (processes and threads) of the long-lived part of the tree");
        }
        assertHostProcUntouched();
        assertTrue(dumps >= 2, "the job ended after " + dumps + " dump(s); make it longer");
        assertTrue(restore.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS), "restored job did not finish");
        Process last = restore;
        assertEquals(0, last.exitValue(), () -> "restored job failed: " + logs() + CrakCli.read(out));
        assertEquals(expected.call(), Checksums.read(out), this::logs);
    }

    /**
     * Both restores write to the same path, job.out in run/: each runs in a mount namespace of
     * its own where its copy of the directory (as it was at the dump) is bind-mounted over run/,
     * and the restored job, whose mount namespace is a copy of its restorer's, reopens its stdout
     * there. So each restore's output is checked on its own.
     */
    @Test
    void theSameImagesRestoreTwiceAtTheSameTime() throws Exception {
        SampleJob job = SampleJob.PROC_TREE;
        Callable<String> expected = reference(job);
        Path run = Files.createDirectory(dir.resolve("run"));
        Path out = run.resolve("job.out");
        NamespaceJob first = startInNamespace(job, out);
        // late in the run: what is left runs twice at once on the test machine's two cores
        Thread.sleep(TWICE_DUMP_AFTER.toMillis() + new Random().nextInt(1500));
        Set<Integer> before = longLivedNamespacePids(first.init());
        Path images = dir.resolve("images");
        Path dumpLog = dir.resolve("dump.log");
        assertEquals(0, crak(dumpLog, "dump", "--pid", Integer.toString(first.init()), "--images", images.toString()),
                () -> CrakCli.read(dumpLog));
        assertTrue(first.unshare().waitFor(10, TimeUnit.SECONDS), "the dumped job was not killed");
        String atDump = Files.readString(out);

        List<Path> copies = new ArrayList<>();
        List<Process> restores = new ArrayList<>();
        List<Path> restoreLogs = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            Path copy = Files.createDirectory(dir.resolve(name));
            Files.copy(out, copy.resolve(out.getFileName()));
            Path log = dir.resolve("restore-" + name + ".log");
            ProcessBuilder pb = CrakCli.command(log, "restore", "--images", images.toString());
            List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                    "/bin/sh", "-c", "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"", "sh", copy.toString(),
                    run.toString()));
            cmd.addAll(pb.command());
            copies.add(copy.resolve(out.getFileName()));
            restoreLogs.add(log);
            restores.add(track(pb.command(cmd).start()));
        }
        List<Integer> roots = new ArrayList<>();
        for (int i = 0; i < restores.size(); i++) {
            int r = awaitRestoredRoot(restores.get(i), restoreLogs.get(i));
            assertNotEquals(0, r, "restore " + i + " finished before its tree could be looked at");
            roots.add(r);
        }
        assertNotEquals(roots.get(0), roots.get(1));
        for (int r : roots) {
            assertTrue(ProcessHandle.of(r).map(ProcessHandle::isAlive).orElse(false), "both trees must run at once");
            assertOwnProc(r);
            assertEquals(before, longLivedNamespacePids(r), "namespace pids of restored tree " + r);
        }
        for (int i = 0; i < restores.size(); i++) {
            Process p = restores.get(i);
            Path copy = copies.get(i);
            assertTrue(p.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS), "restored job did not finish");
            assertEquals(0, p.exitValue(), () -> "restored job failed: " + logs() + CrakCli.read(copy));
            assertEquals(expected.call(), Checksums.read(copy), () -> logs() + CrakCli.read(copy));
        }
        assertEquals(atDump, Files.readString(out), "a restore wrote to the original output instead of its own copy");
    }

    /** The tree shapes the engine refuses, and which process of the tree is passed to crak dump. */
    enum Refusal {
        /** A worker of the namespace, not its init: the restore could not give the rest its pids. */
        NAMESPACE_WORKER,
        /** unshare itself: the host-namespace root of a tree with a pid namespace below it. */
        ROOT_ABOVE_NAMESPACE,
        /** The init of a namespace that holds another pid namespace. */
        NESTED_NAMESPACE
    }

    @ParameterizedTest
    @EnumSource(Refusal.class)
    void unrestorableShapesAreRefusedAndTheJobRunsOn(Refusal refusal) throws Exception {
        SampleJob job = SampleJob.STENCIL_PIPE;
        Callable<String> expected = reference(job);
        Path out = dir.resolve("job.out");
        boolean nested = refusal == Refusal.NESTED_NAMESPACE;
        NamespaceJob ns = startInNamespace(job, out, nested);
        int jobInit = ns.init();
        if (nested) {
            jobInit = awaitChildRunning(jobInit, job.binary());
        }
        List<Integer> workers = awaitChildren(jobInit);
        int target = switch (refusal) {
            case NAMESPACE_WORKER -> workers.get(0);
            case ROOT_ABOVE_NAMESPACE -> (int) ns.unshare().pid();
            case NESTED_NAMESPACE -> ns.init();
        };
        // the pid the line names: the one dumped, or the process below it that is in another namespace
        Set<Integer> namable = Set.of(target, refusal == Refusal.ROOT_ABOVE_NAMESPACE ? ns.init() : jobInit);
        Path log = dir.resolve("dump.log");
        assertEquals(1, crak(log, "dump", "--pid", Integer.toString(target), "--images", dir.resolve("i").toString()),
                () -> CrakCli.read(log));
        List<String> lines = CrakCli.read(log).lines().toList();
        assertEquals(1, lines.size(), () -> "expected one line, got: " + lines);
        String line = lines.get(0);
        assertTrue(line.startsWith("crak: ") && line.contains("pid namespace"), line);
        Matcher m = Pattern.compile("\\bpid (\\d+)\\b").matcher(line);
        assertTrue(m.find() && namable.contains(Integer.parseInt(m.group(1))), () -> "names none of " + namable + ": " + line);
        Set<Integer> tree = new TreeSet<>(hostToNamespaceTids(ns.init()).keySet());
        tree.add((int) ns.unshare().pid());
        for (int tid : tree) {
            assertEquals("0", statusField(PROC.read(tid, "status"), "TracerPid"),
                    "pid " + tid + " left traced by the refused dump");
        }
        assertTrue(ns.unshare().waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the job did not finish");
        assertEquals(0, ns.unshare().exitValue(), () -> "the refused job was harmed: " + CrakCli.read(out));
        assertEquals(expected.call(), Checksums.read(out));
    }

    /** A job running as pid 1 of its own pid namespace, whose parent unshare is not part of it. */
    private record NamespaceJob(Process unshare, int init) {
    }

    private NamespaceJob startInNamespace(SampleJob job, Path out) throws Exception {
        return startInNamespace(job, out, false);
    }

    /** Starts job under unshare (twice, for a namespace within a namespace), and finds the init. */
    private NamespaceJob startInNamespace(SampleJob job, Path out, boolean nested) throws Exception {
        List<String> unshare = List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "--");
        List<String> cmd = new ArrayList<>(unshare);
        if (nested) {
            cmd.addAll(unshare);
        }
        cmd.addAll(command(job));
        Process p = track(new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start());
        Path initExe = nested ? Path.of(p.info().command().orElseThrow()) : job.binary();
        int init = awaitChildRunning((int) p.pid(), initExe);
        inits.add(ProcessHandle.of(init).orElseThrow());
        assertEquals(1, namespacePid(init), "unshare's child must be the init of its namespace");
        return new NamespaceJob(p, init);
    }

    /** Long enough for three dump/restore rounds on a loaded 2-core machine, short enough for CI. */
    private static List<String> command(SampleJob job) {
        return switch (job) {
            case MT_COMPUTE -> job.command(List.of("--steps", "12000"));
            case PROC_TREE -> job.command(List.of("--rounds", "900"));
            case STENCIL_PIPE -> job.command(List.of("--steps", "10000"));
            default -> throw new IllegalArgumentException("no run length chosen for " + job);
        };
    }

    /**
     * Starts the uninterrupted run now, unless one finished already; the checksum is awaited only
     * when the test compares it, so the run overlaps the test's own work.
     */
    private Callable<String> reference(SampleJob job) throws IOException {
        String known = REFERENCES.get(job);
        if (known != null) {
            return () -> known;
        }
        Path out = dir.resolve("reference.out");
        Process p = track(new ProcessBuilder(command(job)).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start());
        return () -> {
            assertTrue(p.waitFor(JOB_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the uninterrupted run did not finish");
            assertEquals(0, p.exitValue(), () -> "the uninterrupted run failed: " + CrakCli.read(out));
            String checksum = Checksums.read(out);
            REFERENCES.put(job, checksum);
            return checksum;
        };
    }

    private Process track(Process p) {
        started.add(p);
        return p;
    }

    /** Runs crak to completion (bounded) and returns its exit code. */
    private int crak(Path log, String... args) throws Exception {
        Process p = track(CrakCli.command(log, args).start());
        assertTrue(p.waitFor(CLI_TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "crak " + String.join(" ", args) + " hangs");
        return p.exitValue();
    }

    /**
     * Waits until restore reports the tree running and returns the root's host pid (what it
     * prints), checked against /proc: a child of the restorer, pid 1 of a namespace directly
     * below ours. Returns 0 when the restore already exited with the job's status 0.
     */
    private int awaitRestoredRoot(Process restore, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLI_TIMEOUT_SECONDS);
        Matcher m = RESTORED_ROOT.matcher("");
        while (!m.reset(CrakCli.read(log)).find()) {
            if (!restore.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("restore did not bring the tree back ("
                        + (restore.isAlive() ? "still running" : "exit " + restore.exitValue()) + "): " + CrakCli.read(log));
            }
            Thread.sleep(20);
        }
        int root = Integer.parseInt(m.group(1));
        if (!restore.isAlive() && restore.exitValue() == 0) {
            return 0;
        }
        inits.add(ProcessHandle.of(root).orElseThrow(() -> new AssertionError("restored root pid " + root
                + " does not exist: " + CrakCli.read(log))));
        String status = PROC.read(root, "status");
        assertEquals(Long.toString(restore.pid()), statusField(status, "PPid"), "restored root " + root + "'s parent");
        int[] ns = namespacePids(status);
        assertEquals(2, ns.length, () -> "restored root " + root + " must be one pid namespace below ours: NSpid "
                + java.util.Arrays.toString(ns));
        assertEquals(1, ns[1], "restored root " + root + " must be pid 1 of its namespace");
        return root;
    }

    /** The child of parent (any of its threads') that runs exe, once it does. */
    private static int awaitChildRunning(int parent, Path exe) throws Exception {
        Path want = exe.toRealPath();
        long deadline = System.nanoTime() + INIT_APPEARS.toNanos();
        while (System.nanoTime() < deadline) {
            for (int child : children(parent)) {
                try {
                    if (Files.readSymbolicLink(Path.of("/proc", Integer.toString(child), "exe")).equals(want)) {
                        return child;
                    }
                } catch (NoSuchFileException e) {
                    continue; // gone, or not exec'd yet
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no child of pid " + parent + " runs " + want + " after " + INIT_APPEARS);
    }

    private static List<Integer> awaitChildren(int parent) throws Exception {
        long deadline = System.nanoTime() + INIT_APPEARS.toNanos();
        List<Integer> kids;
        while ((kids = children(parent)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "pid " + parent + " started no worker");
            Thread.sleep(10);
        }
        return kids;
    }

    /**
     * The tree's /proc is the one of its own namespace: its pid 1 there is the namespace init
     * (same start time; the host's pid 1 started at boot).
     */
    private static void assertOwnProc(int root) throws IOException {
        Path nsProc = Path.of("/proc", Integer.toString(root), "root", "proc");
        assertEquals(startTime(Path.of("/proc", Integer.toString(root), "stat")), startTime(nsProc.resolve("1/stat")),
                "pid 1 in the /proc seen by namespace init " + root + " must be that init");
    }

    /** Field 22 of a stat file, clock ticks since boot: the same whichever pid namespace shows it. */
    private static long startTime(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] afterComm = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterComm[22 - 3]);
    }

    /** Our /proc is still the host's (a restore must not mount over it). */
    private static void assertHostProcUntouched() throws IOException {
        assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readSymbolicLink(Path.of("/proc/self")).toString());
    }

    /**
     * Namespace pids of the processes and threads that are in the tree at two looks
     * {@link #LONG_LIVED_GAP} apart, with the same host pid both times.
     */
    private static Set<Integer> longLivedNamespacePids(int root) throws Exception {
        Map<Integer, Integer> first = hostToNamespaceTids(root);
        Thread.sleep(LONG_LIVED_GAP.toMillis());
        Map<Integer, Integer> second = hostToNamespaceTids(root);
        Set<Integer> both = new TreeSet<>();
        first.forEach((host, ns) -> {
            if (ns.equals(second.get(host))) {
                both.add(ns);
            }
        });
        return both;
    }

    /** Host tid to namespace tid of every thread of every process of the tree below root. */
    private static Map<Integer, Integer> hostToNamespaceTids(int root) throws Exception {
        Map<Integer, Integer> map = new HashMap<>();
        Deque<Integer> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            int pid = todo.pop();
            for (int tid : SCANNER.threads(pid)) {
                try {
                    int[] ns = namespacePids(PROC.readTask(pid, tid, "status"));
                    map.put(tid, ns[ns.length - 1]);
                } catch (ProcessGoneException e) {
                    continue; // exited meanwhile
                }
            }
            todo.addAll(children(pid));
        }
        return map;
    }

    /** Children of every thread of pid (a child belongs to the thread that forked it). */
    private static List<Integer> children(int pid) throws Exception {
        return SCANNER.children(pid);
    }

    private static int namespacePid(int pid) throws IOException {
        int[] ns = namespacePids(PROC.read(pid, "status"));
        return ns[ns.length - 1];
    }

    /** The NSpid line: the pid in our namespace first, then in each namespace below, innermost last. */
    private static int[] namespacePids(String status) throws IOException {
        String[] fields = statusField(status, "NSpid").split("\\s+");
        int[] pids = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            pids[i] = Integer.parseInt(fields[i]);
        }
        return pids;
    }

    private static String statusField(String status, String name) throws IOException {
        return status.lines().filter(l -> l.startsWith(name + ":")).findFirst()
                .orElseThrow(() -> new IOException("status has no " + name + " line:\n" + status))
                .substring(name.length() + 1).trim();
    }

    /** Every crak log of this test, for assertion messages. */
    private String logs() {
        try (Stream<Path> s = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList()) {
                sb.append("== ").append(p.getFileName()).append('\n').append(CrakCli.read(p));
            }
            return sb.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String tail(Path p) {
        List<String> lines = CrakCli.read(p).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
