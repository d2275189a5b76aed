package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * crak-init as a real process. Every scenario that orphans processes runs under an outer crak-init
 * (itself a subreaper) which reaps them, since this test JVM is not a subreaper.
 */
@Tag("integration")
class CrakInitTest {
    private static Path init;

    @TempDir
    Path dir;

    @BeforeAll
    static void locate() throws IOException {
        init = CrakInitBinary.locate();
    }

    private record Result(int status, String out, String err) {
    }

    private Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(init.toString());
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new AssertionError("crak-init " + List.of(args) + " did not end within 20 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void exitsWithTheCommandsStatus() throws Exception {
        assertEquals(7, run("--", "sh", "-c", "exit 7").status());
        assertEquals(0, run("--", "true").status());
        assertEquals(128 + 9, run("--", "sh", "-c", "kill -9 $$").status());
        Result missing = run("--", dir.resolve("no-such-program").toString());
        assertEquals(127, missing.status());
        assertTrue(missing.err().contains("ENOENT"), missing.err());
    }

    @Test
    void rejectsBadUsageWithOneLine() throws Exception {
        Result none = run("--pidns");
        assertEquals(125, none.status());
        assertTrue(none.err().contains("no command given"), none.err());
        Result bogus = run("--bogus", "--", "true");
        assertEquals(125, bogus.status());
        assertTrue(bogus.err().contains("'--bogus'"), bogus.err());
        assertEquals(125, run("--user", "12", "--", "true").status());
        Result detach = run("--detach", dir.resolve("pid").toString(), "--", "true");
        assertEquals(125, detach.status());
        assertTrue(detach.err().contains("--detach needs --parent"), detach.err());
        assertEquals(0, run("--help").status());
    }

    @Test
    void runsTheCommandInItsOwnProcessGroupAndForwardsSigterm() throws Exception {
        Path pids = dir.resolve("pids");
        List<String> cmd = List.of(init.toString(), "--", "sh", "-c",
                "trap 'echo TERM >> " + pids + "; exit 9' TERM; echo $$ $(cut -d' ' -f5 /proc/$$/stat) > " + pids
                        + "; sleep 20 & wait");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(pids) || Files.readString(pids).isBlank()) {
            assertTrue(System.nanoTime() < deadline, "command did not start");
            Thread.sleep(20);
        }
        String[] shell = Files.readString(pids).strip().split(" ");
        assertEquals(shell[0], shell[1], "the command leads its own process group");
        p.destroy(); // SIGTERM to crak-init
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(9, p.exitValue());
        assertTrue(Files.readString(pids).contains("TERM"));
    }

    @Test
    void adoptsAndReapsOrphans() throws Exception {
        // the subshell exits at once, orphaning its sleep: it must become crak-init's, and be reaped
        Result r = run("--", "sh", "-c", "(sleep 0.3 & echo $! > " + dir.resolve("orphan")
                + "); o=$(cat " + dir.resolve("orphan") + "); grep PPid /proc/$o/status | cut -f2; "
                + "echo $PPID; sleep 1; grep State /proc/$o/status || echo gone");
        String[] lines = r.out().strip().split("\n");
        assertEquals(0, r.status(), r.err());
        assertEquals(lines[1], lines[0], "orphan reparented to crak-init: " + r.out());
        assertEquals("gone", lines[2], "orphan reaped: " + r.out());
    }

    @Test
    void pidNamespaceModeMakesTheCommandPid2WithItsOwnProc() throws Exception {
        Result r = run("--pidns", "--", "sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals("2", lines[0]);
        // init, the shell, ls (and grep): nothing of the host
        assertTrue(Integer.parseInt(lines[1]) <= 4, r.out());
        assertEquals(5, run("--pidns", "--", "sh", "-c", "exit 5").status());
        assertEquals(128 + 9, run("--pidns", "--", "sh", "-c", "kill -9 $$").status());
    }

    /**
     * Shared storage mounted on the host while a job runs must reach the job: its mount namespace
     * is a slave of the host's (a private one would never see the new mount).
     */
    @Test
    void pidNamespaceJobSeesAMountMadeOnTheHostAfterItStarted() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Path started = dir.resolve("started");
        host("mount -t tmpfs crak-init-test " + shared + " && mount --make-shared " + shared
                + " && mkdir " + shared.resolve("later"));
        try {
            Path marker = shared.resolve("later").resolve("marker");
            Process job = new ProcessBuilder(init.toString(), "--pidns", "--", "sh", "-c", "touch " + started
                    + "; for i in $(seq 400); do test -e " + marker + " && exit 0; sleep 0.05; done; exit 3")
                    .redirectErrorStream(true).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(started)) {
                assertTrue(System.nanoTime() < deadline && job.isAlive(), "the job did not start");
                Thread.sleep(20);
            }
            host("mount -t tmpfs crak-init-test-later " + shared.resolve("later") + " && touch " + marker);
            assertTrue(job.waitFor(30, TimeUnit.SECONDS), "job did not end");
            assertEquals(0, job.exitValue(), "the job never saw " + marker + " mounted after it started: "
                    + new String(job.getInputStream().readAllBytes()));
        } finally {
            host("umount -R " + shared);
        }
    }

    private static void host(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, script + ": " + out);
    }

    @Test
    void joinsTheCgroupBeforeStartingAnything() throws Exception {
        JobCgroup cg = JobCgroup.named("crak-init-test-" + ProcessHandle.current().pid()).create();
        try {
            Result r = run("--cgroup", cg.path().toString(), "--", "sh", "-c", "grep '^0::' /proc/self/cgroup");
            assertEquals(0, r.status(), r.err());
            String rel = JobCgroup.cgroup2Mount().relativize(cg.path()).toString();
            assertEquals("0::/" + rel, r.out().strip());
            Result bad = run("--cgroup", dir.resolve("not-a-cgroup").toString(), "--", "true");
            assertEquals(125, bad.status());
            assertTrue(bad.err().contains("ENOENT"), bad.err());
        } finally {
            cg.killAndRemove(java.time.Duration.ofSeconds(5));
        }
    }

    @Test
    void diesWithItsSupervisor() throws Exception {
        Path pids = dir.resolve("pids");
        // outer crak-init (subreaper) > sh > inner sh (the "supervisor") > crak-init --parent > sleep
        String supervisor = "sh -c '" + init + " --parent $$ -- sh -c \"echo \\$\\$ >> " + pids
                + "; exec sleep 30\" & echo $! >> " + pids + "; sleep 0.5'";
        Result r = run("--", "sh", "-c", supervisor + "; sleep 1; for p in $(cat " + pids
                + "); do test -e /proc/$p && echo alive $p || echo gone; done");
        assertEquals(0, r.status(), r.err());
        assertEquals("gone\ngone", r.out().strip(), "init and its command died with the supervisor: " + r.out());
    }
}
