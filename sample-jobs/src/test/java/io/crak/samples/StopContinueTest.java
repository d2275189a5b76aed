package io.crak.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stopping and continuing every process of a job again and again (SIGSTOP/SIGCONT, sent to
 * each by pid at slightly different moments, as a freezer without atomicity would) must not
 * change its checksum: the jobs depend on no timing.
 */
@Tag("integration")
class StopContinueTest {
    private static final long RUN_MILLIS_BETWEEN_STOPS = 40;
    private static final long STOPPED_MILLIS = 15;

    @TempDir
    Path dir;

    static Stream<Arguments> commands() {
        return Stream.of(
                List.of("mt-compute", "--steps", "2000", "--cells", "16384"),
                List.of("proc-tree", "--rounds", "150", "--work", "200000"),
                List.of("memhog", "--mib", "32", "--passes", "25"),
                List.of("stencil-pipe", "--steps", "4000", "--rows", "256", "--cols", "512"),
                List.of("stencil-socket", "--steps", "4000", "--rows", "256", "--cols", "512", "--transport", "tcp"),
                List.of("scratch-files", "--steps", "1800", "--scratch-mib", "4"))
                .map(Arguments::of);
    }

    private List<String> command(List<String> jobAndArgs, String runName) {
        SampleJob job = Stream.of(SampleJob.values()).filter(j -> j.binaryName().equals(jobAndArgs.get(0)))
                .findFirst().orElseThrow();
        List<String> args = new ArrayList<>(jobAndArgs.subList(1, jobAndArgs.size()));
        if (job == SampleJob.SCRATCH_FILES) {
            args.addAll(List.of("--tmp", dir.resolve(runName).toString()));
        }
        return job.command(args);
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return;
        }
        List<String> kill = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> kill.add(Long.toString(p)));
        // Processes may exit between listing and signalling: kill's status is not checked.
        new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void checksumSurvivesStopContinueStorms(List<String> jobAndArgs) throws Exception {
        String expected = JobProcess.run(command(jobAndArgs, "plain"), dir.resolve("plain.out"), false).checksum();
        int stops = 0;
        try (JobProcess job = JobProcess.start(command(jobAndArgs, "stopped"), dir.resolve("stopped.out"), false)) {
            while (job.process().isAlive()) {
                Thread.sleep(RUN_MILLIS_BETWEEN_STOPS);
                List<Long> pids = new ArrayList<>();
                pids.add(job.process().pid());
                job.process().descendants().forEach(d -> pids.add(d.pid()));
                signal("STOP", pids);
                Thread.sleep(STOPPED_MILLIS);
                signal("CONT", pids);
                stops++;
            }
            job.await();
            assertEquals(0, job.exitCode(), job.stderrText());
            assertEquals(expected, job.checksum());
        }
        assertTrue(stops >= 3, "only " + stops + " stops: the run is too short to mean anything");
    }
}
