package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.core.proc.StatParser;
import io.crak.samples.SampleJob;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Never lose a job: a crak dump SIGKILLed while the job is frozen by a cgroup freezer leaves the
 * job running (its freeze watchdog thaws the cgroup), not frozen forever.
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
        } finally {
            job.destroyForcibly();
            job.waitFor();
        }
    }

    private static long cpu(long pid) throws Exception {
        return StatParser.parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))).cpuTicks();
    }
}
