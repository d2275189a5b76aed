package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.core.proc.StatParser;
import io.crak.samples.SampleJob;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Never lose a job: a crak dump SIGKILLed while the job is frozen by a cgroup freezer leaves the
 * job running (its freeze watchdog thaws the cgroup), not frozen forever, and back in the cgroups it
 * was in before the freezer moved it into a temporary one, which is gone.
 */
@Tag("integration")
class KilledDumpThawsTheJobTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"cgroup_v2", "cgroup_v1"})
    void theJobRunsOnAfterItsDumperDied(String freezer) throws Exception {
        ChildReaper.get();
        Path out = dir.resolve("job.out");
        Process job = new ProcessBuilder(SampleJob.MEMHOG.command(List.of("--mib", "768", "--passes", "100000",
                "--untouched-mib", "0"))).redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!CrakCli.read(out).contains("filled")) {
                assertTrue(System.nanoTime() < deadline && job.isAlive(), "memhog did not fill its memory");
                Thread.sleep(20);
            }
            String cgroupsBefore = Files.readString(Path.of("/proc", Long.toString(job.pid()), "cgroup"));
            Path log = dir.resolve("log");
            ProcessBuilder pb = CrakCli.command(log, "dump", "--freezer", freezer, "--pid", Long.toString(job.pid()),
                    "--images", dir.resolve("images").toString());
            pb.environment().put("CRAK_PHASES", "1");
            Process dump = pb.start();
            while (!CrakCli.read(log).contains("phase seize")) {
                assertTrue(dump.isAlive(), () -> "the dump ended before it could be killed: " + CrakCli.read(log));
                Thread.sleep(5);
            }
            dump.destroyForcibly(); // SIGKILL, mid-checkpoint: the job is frozen and seized
            dump.waitFor();
            long before = cpu(job.pid());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (cpu(job.pid()) == before) {
                assertTrue(System.nanoTime() < until, "the job stayed frozen after its dumper died");
                Thread.sleep(50);
            }
            assertTrue(job.isAlive());
            Path cgroupFile = Path.of("/proc", Long.toString(job.pid()), "cgroup");
            while (!Files.readString(cgroupFile).equals(cgroupsBefore)) {
                assertTrue(System.nanoTime() < until, () -> "the job was not moved back to its cgroups:\n"
                        + CrakCli.read(cgroupFile) + "instead of\n" + cgroupsBefore);
                Thread.sleep(50);
            }
            assertFalse(Files.readString(cgroupFile).contains("crak-freeze-"), cgroupsBefore);
            while (temporaryGroupExists(freezer, job.pid())) {
                assertTrue(System.nanoTime() < until, "the temporary freezer cgroup was not removed");
                Thread.sleep(50);
            }
        } finally {
            job.destroyForcibly();
            job.waitFor();
        }
    }

    /** A crak-freeze-PID-N directory anywhere in the freezer's hierarchy. */
    private static boolean temporaryGroupExists(String freezer, long pid) throws Exception {
        Path root = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
            boolean v2 = after[0].equals("cgroup2");
            boolean v1Freezer = after[0].equals("cgroup") && List.of(after[2].split(",")).contains("freezer");
            if (freezer.equals("cgroup_v2") ? v2 : v1Freezer) {
                root = Path.of(f[4]);
            }
        }
        assertTrue(root != null, "no " + freezer + " hierarchy mounted");
        String prefix = "crak-freeze-" + pid + "-";
        boolean[] found = {false};
        // Walked by hand: the freezer (or another test's) removes groups while we walk, and a
        // directory that vanishes between listing and visiting is simply not there any more.
        Files.walkFileTree(root, Set.of(), 12, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                if (d.getFileName() != null && d.getFileName().toString().startsWith(prefix)) {
                    found[0] = true;
                    return FileVisitResult.TERMINATE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                return vanished(e);
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                return e == null ? FileVisitResult.CONTINUE : vanished(e);
            }

            private FileVisitResult vanished(IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found[0];
    }

    private static long cpu(long pid) throws Exception {
        return StatParser.parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))).cpuTicks();
    }
}
