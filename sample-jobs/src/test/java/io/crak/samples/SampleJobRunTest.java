package io.crak.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs every sample job for real with small parameters (a fraction of a second each). */
@Tag("integration")
class SampleJobRunTest {
    @TempDir
    Path dir;

    /** Small parameters, a variant that must change the checksum, and an argument that must be refused. */
    record Case(SampleJob job, List<String> small, List<String> variant, List<String> bad) {
        @Override
        public String toString() {
            return job.binaryName();
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case(SampleJob.MT_COMPUTE, List.of("--steps", "300", "--cells", "4096"),
                        List.of("--threads", "3"), List.of("--threads", "0")),
                new Case(SampleJob.PROC_TREE, List.of("--rounds", "30", "--work", "20000"),
                        List.of("--workers", "3"), List.of("--workers", "65")),
                new Case(SampleJob.MEMHOG, List.of("--mib", "16", "--passes", "4", "--untouched-mib", "64"),
                        List.of("--hot-mib", "8"), List.of("--hot-mib", "32")),
                new Case(SampleJob.STENCIL_PIPE, List.of("--steps", "300", "--rows", "128", "--cols", "256"),
                        List.of("--seed", "2"), List.of("--rows", "2", "--workers", "4")),
                new Case(SampleJob.STENCIL_SOCKET, List.of("--steps", "300", "--rows", "128", "--cols", "256"),
                        List.of("--workers", "3"), List.of("--transport", "udp")),
                new Case(SampleJob.SCRATCH_FILES, List.of("--steps", "400", "--scratch-mib", "2", "--block-kib", "64"),
                        List.of("--lag", "3"), List.of("--block-kib", "100")),
                new Case(SampleJob.JAVA_COMPUTE, List.of("--steps", "200", "--cells", "4096"),
                        List.of("--threads", "3"), List.of("--threads", "0")))
                .map(Arguments::of);
    }

    private List<String> command(Case c, List<String> extra, String runName) {
        List<String> args = new ArrayList<>(c.small());
        args.addAll(extra);
        if (c.job() == SampleJob.SCRATCH_FILES && !args.contains("--help")) {
            args.addAll(List.of("--tmp", dir.resolve(runName + ".records").toString()));
        }
        return c.job().command(args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameParametersGiveTheSameChecksumAndOthersADifferentOne(Case c) throws Exception {
        JobProcess first = JobProcess.run(command(c, List.of(), "first"), dir.resolve("first.out"), false);
        JobProcess second = JobProcess.run(command(c, List.of(), "second"), dir.resolve("second.out"), true);
        JobProcess variant = JobProcess.run(command(c, c.variant(), "variant"), dir.resolve("variant.out"), false);
        for (JobProcess run : List.of(first, second, variant)) {
            assertEquals(0, run.exitCode(), run.stderrText());
            assertEquals("", run.stderrText());
            assertTrue(run.stdoutText().contains("step "), run.stdoutText());
        }
        assertEquals(first.checksum(), second.checksum());
        assertNotEquals(first.checksum(), variant.checksum());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outputAppendedToAFileKeepsTheFinalChecksumLast(Case c) throws Exception {
        Path out = dir.resolve("appended.out");
        Files.writeString(out, "earlier output\n");
        JobProcess run = JobProcess.run(command(c, List.of(), "appended"), out, true);
        assertEquals(0, run.exitCode(), run.stderrText());
        List<String> lines = Files.readAllLines(out);
        assertEquals("earlier output", lines.get(0));
        assertTrue(lines.get(lines.size() - 1).matches("checksum [0-9a-f]{16}"), lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("checksum")).count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void helpPrintsUsageAndSucceeds(Case c) throws Exception {
        JobProcess run = JobProcess.run(c.job().command(List.of("--help")), dir.resolve("help.out"), false);
        assertEquals(0, run.exitCode(), run.stderrText());
        assertTrue(run.stdoutText().startsWith("usage: " + c.job().binaryName()), run.stdoutText());
        for (String option : c.bad()) {
            if (option.startsWith("--")) {
                assertTrue(run.stdoutText().contains(option), option + " missing from help");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badArgumentsExitWithUsageErrorAndOneLine(Case c) throws Exception {
        for (List<String> bad : List.of(c.bad(), List.of("--no-such-option"), List.of("--steps"), List.of("stray"))) {
            JobProcess run = JobProcess.run(command(c, bad, "bad"), dir.resolve("bad.out"), false);
            assertEquals(2, run.exitCode(), bad + ": " + run.stderrText());
            String stderr = run.stderrText();
            assertTrue(stderr.startsWith(c.job().binaryName() + ": "), stderr);
            assertEquals(1, stderr.lines().count(), stderr);
            assertEquals("", run.stdoutText());
        }
    }
}
