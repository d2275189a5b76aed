package io.crak.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine's tests rely on beyond the checksum: the three stencil transports compute the
 * same thing, the process layout is what the README promises, and a job whose worker dies
 * reports it, exits non-zero and leaves no process behind.
 */
@Tag("integration")
class JobFailureAndLayoutTest {
    private static final long POLL_MILLIS = 20;
    private static final long WAIT_MILLIS = 10_000;

    @TempDir
    Path dir;

    /** pid, pgid and session of a process from /proc/PID/stat, if it still exists. */
    record ProcStat(long pid, long pgid, long session) {
        static Optional<ProcStat> of(long pid) throws IOException {
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            } catch (IOException e) {
                // gone: its directory is, or it exited between open and read (ESRCH)
                if (e instanceof NoSuchFileException || String.valueOf(e.getMessage()).contains("No such process")) {
                    return Optional.empty();
                }
                throw e;
            }
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new ProcStat(pid, Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
    }

    @Test
    void allStencilTransportsGiveTheSameChecksum() throws Exception {
        List<String> args = List.of("--steps", "200", "--rows", "90", "--cols", "300", "--workers", "3");
        String pipe = JobProcess.run(SampleJob.STENCIL_PIPE.command(args), dir.resolve("pipe.out"), false).checksum();
        List<String> unixArgs = new ArrayList<>(args);
        unixArgs.addAll(List.of("--transport", "unix"));
        List<String> tcpArgs = new ArrayList<>(args);
        tcpArgs.addAll(List.of("--transport", "tcp"));
        assertEquals(pipe, JobProcess.run(SampleJob.STENCIL_SOCKET.command(unixArgs), dir.resolve("unix.out"), false).checksum());
        assertEquals(pipe, JobProcess.run(SampleJob.STENCIL_SOCKET.command(tcpArgs), dir.resolve("tcp.out"), false).checksum());
    }

    private static void awaitOutput(JobProcess job, String text) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!job.stdoutText().contains(text)) {
            assertTrue(job.process().isAlive(), "job ended before printing '" + text + "'");
            assertTrue(System.currentTimeMillis() < deadline, "no '" + text + "' within " + WAIT_MILLIS + " ms");
            Thread.sleep(POLL_MILLIS);
        }
    }

    @Test
    void procTreeKeeperHasItsOwnSessionAndWorkersTheirOwnGroup() throws Exception {
        try (JobProcess job = JobProcess.start(SampleJob.PROC_TREE.quickCommand(), dir.resolve("tree.out"), false)) {
            ProcStat parent = ProcStat.of(job.process().pid()).orElseThrow();
            boolean keeperSeen = false, workerSeen = false;
            long deadline = System.currentTimeMillis() + WAIT_MILLIS;
            while (!(keeperSeen && workerSeen) && System.currentTimeMillis() < deadline) {
                for (ProcessHandle child : job.process().children().toList()) {
                    Optional<ProcStat> s = ProcStat.of(child.pid());
                    if (s.isEmpty()) {
                        continue;
                    }
                    if (s.get().session() == child.pid()) {
                        keeperSeen = s.get().pgid() == child.pid();
                    } else if (s.get().session() == parent.session() && s.get().pgid() != parent.pgid()) {
                        workerSeen = true;
                    }
                }
                Thread.sleep(POLL_MILLIS);
            }
            assertTrue(keeperSeen, "no keeper child leading its own session and group");
            assertTrue(workerSeen, "no worker in a process group of its own");
            job.await();
            assertEquals(0, job.exitCode(), job.stderrText());
        }
    }

    @Test
    void stencilWorkerDeathIsReportedAndTheOtherWorkersAreReaped() throws Exception {
        try (JobProcess job = JobProcess.start(SampleJob.STENCIL_PIPE.command(List.of()), dir.resolve("die.out"), false)) {
            awaitOutput(job, "step ");
            List<ProcessHandle> workers = job.process().children().toList();
            assertEquals(4, workers.size(), workers.toString());
            workers.get(1).destroyForcibly();
            job.await();
            assertNotEquals(0, job.exitCode());
            String stderr = job.stderrText();
            assertTrue(stderr.startsWith("stencil-pipe"), stderr);
            for (ProcessHandle w : workers) {
                assertFalse(w.isAlive() || Files.exists(Path.of("/proc", Long.toString(w.pid()))),
                        "worker " + w.pid() + " was not reaped");
            }
            assertFalse(job.stdoutText().contains("checksum"));
        }
    }

    @Test
    void procTreeKeeperDeathIsAnInconsistency() throws Exception {
        try (JobProcess job = JobProcess.start(SampleJob.PROC_TREE.command(List.of()), dir.resolve("keeper.out"), false)) {
            awaitOutput(job, "step ");
            long keeper = -1;
            for (ProcessHandle child : job.process().children().toList()) {
                Optional<ProcStat> s = ProcStat.of(child.pid());
                if (s.isPresent() && s.get().session() == child.pid()) {
                    keeper = child.pid();
                    ProcessHandle.of(keeper).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            assertNotEquals(-1, keeper, "keeper not found");
            job.await();
            assertEquals(3, job.exitCode(), job.stderrText());
            assertTrue(job.stderrText().startsWith("proc-tree: inconsistency: keeper (pid " + keeper + ")"), job.stderrText());
            assertTrue(job.process().descendants().findAny().isEmpty());
        }
    }

    @Test
    void scratchFilesDetectsARecordChangedBehindItsBack() throws Exception {
        Path records = dir.resolve("records");
        List<String> args = List.of("--steps", "4000", "--scratch-mib", "4", "--tmp", records.toString());
        try (JobProcess job = JobProcess.start(SampleJob.SCRATCH_FILES.command(args), dir.resolve("tamper.out"), false)) {
            awaitOutput(job, "step ");
            try (FileChannel ch = FileChannel.open(records,
                    StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {0x42}), 100);
            }
            job.await();
            assertEquals(3, job.exitCode(), job.stderrText());
            assertTrue(job.stderrText().startsWith("scratch-files: inconsistency: record 0 generation 0 in " + records),
                    job.stderrText());
        }
    }
}
