package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.samples.Checksums;
import io.crak.samples.SampleJob;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets one clear line and exit status 1 (2 for usage), and no process is harmed: the
 * job that was being dumped keeps running, and a refused or failed restore leaves nothing behind.
 */
@Tag("integration")
class DumpRestoreRefusalTest {
    @TempDir
    Path dir;

    private Process job;

    @BeforeAll
    static void reapOrphans() {
        ChildReaper.get();
    }

    @AfterEach
    void endJob() {
        if (job != null) {
            job.destroyForcibly();
        }
    }

    @Test
    void dumpOfAMissingPidNamesIt() throws Exception {
        Path log = dir.resolve("log");
        assertEquals(1, CrakCli.run(log, "dump", "--pid", "999999", "--images", dir.resolve("i").toString()));
        assertOneLine(log, "crak: pid 999999: no such process");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Path log = dir.resolve("log");
        assertEquals(2, CrakCli.run(log, "dump", "--images", dir.resolve("i").toString()));
        assertEquals(2, CrakCli.run(log, "restore", "--bogus"));
        assertEquals(0, CrakCli.run(log, "dump", "--help"));
    }

    @Test
    void unsupportedDescriptorRefusesAndTheJobRunsOn() throws Exception {
        job = new ProcessBuilder("/bin/sh", "-c", "exec 3</dev/kmsg; exec sleep 60").redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(300);
        Path log = dir.resolve("log");
        assertEquals(1, CrakCli.run(log, "dump", "--pid", Long.toString(job.pid()), "--images",
                dir.resolve("i").toString()));
        assertOneLine(log, "crak: pid " + job.pid() + " fd 3: /dev/kmsg is a device or special file, not supported");
        assertTrue(job.isAlive(), "the refused job must keep running");
        assertEquals("0", Files.readString(Path.of("/proc", Long.toString(job.pid()), "status")).lines()
                .filter(l -> l.startsWith("TracerPid:")).findFirst().orElseThrow().split("\\s+")[1], "left traced");
    }

    @Test
    void restoreOverALivePidRefusesAndHarmsNothing() throws Exception {
        Path out = dir.resolve("job.out");
        job = start(out, "--steps", "3000");
        Thread.sleep(300);
        Path images = dir.resolve("i");
        Path log = dir.resolve("log");
        assertEquals(0, CrakCli.run(log, "dump", "--leave-running", "--pid", Long.toString(job.pid()), "--images",
                images.toString()), () -> CrakCli.read(log));
        assertEquals(1, CrakCli.run(log, "restore", "--images", images.toString()));
        assertTrue(CrakCli.read(log).contains("crak: pid " + job.pid() + " is taken by a running process (mt-compute)"), CrakCli.read(log));
        assertTrue(job.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, job.exitValue(), "the running job must not be harmed");
        assertEquals(reference("--steps", "3000"), Checksums.read(out));
    }

    @Test
    void corruptImagesAreRefusedBeforeAnythingRuns() throws Exception {
        Path out = dir.resolve("job.out");
        job = start(out, "--steps", "3000");
        Thread.sleep(300);
        Path images = dir.resolve("i");
        Path log = dir.resolve("log");
        assertEquals(0, CrakCli.run(log, "dump", "--pid", Long.toString(job.pid()), "--images", images.toString()),
                () -> CrakCli.read(log));
        job.waitFor(10, TimeUnit.SECONDS);
        int pid = (int) job.pid();

        Path process = images.resolve("process-" + pid + ".json");
        byte[] good = Files.readAllBytes(process);
        Files.writeString(process, "{\"pid\": " + pid + ", \"tree\": [");
        Files.writeString(log, "");
        assertEquals(1, CrakCli.run(log, "restore", "--images", images.toString()));
        assertOneLine(log, "crak: image entry process-" + pid + ".json is corrupt");
        Files.write(process, good);

        Path pages = images.resolve("pages-" + pid + ".img");
        try (RandomAccessFile f = new RandomAccessFile(pages.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        Files.writeString(log, "");
        assertEquals(1, CrakCli.run(log, "restore", "--images", images.toString()));
        assertOneLine(log, "crak: ");
        assertTrue(CrakCli.read(log).contains("truncated"), CrakCli.read(log));
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(pid))), "a failed restore left pid " + pid + " behind");

        Path inventory = images.resolve("inventory.json");
        Files.writeString(inventory, Files.readString(inventory).replace("\"formatVersion\":1", "\"formatVersion\":99"));
        Files.writeString(log, "");
        assertEquals(1, CrakCli.run(log, "restore", "--images", images.toString()));
        assertOneLine(log, "crak: images " + images + " are image format version 99; this crak reads version 1");

        Files.writeString(log, "");
        assertEquals(1, CrakCli.run(log, "restore", "--images", dir.resolve("nowhere").toString()));
        assertOneLine(log, "crak: image directory " + dir.resolve("nowhere") + " does not exist");
    }

    @Test
    void aChangedExecutableOrAMissingOpenFileIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path exe = dir.resolve("mt-compute");
        Files.copy(SampleJob.MT_COMPUTE.binary(), exe);
        exe.toFile().setExecutable(true);
        Path out = dir.resolve("job.out");
        job = new ProcessBuilder(exe.toString(), "--steps", "100000").redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.sleep(300);
        int pid = (int) job.pid();
        Path images = dir.resolve("i");
        Path log = dir.resolve("log");
        assertEquals(0, CrakCli.run(log, "dump", "--pid", Integer.toString(pid), "--images", images.toString()),
                () -> CrakCli.read(log));
        job.waitFor(10, TimeUnit.SECONDS);

        Files.delete(out);
        Files.writeString(log, "");
        assertEquals(1, CrakCli.run(log, "restore", "--images", images.toString()));
        assertOneLine(log, "crak: pid " + pid + " fd 1: " + out + " does not exist here");
        Files.writeString(out, "");

        Files.write(exe, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(log, "");
        assertEquals(1, CrakCli.run(log, "restore", "--images", images.toString()));
        assertOneLine(log, "crak: pid " + pid + ": mapped file " + exe + " changed since the dump");
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(pid))), "a refused restore created pid " + pid);
    }

    @Test
    void dumpToStorageAndRestoreTheLatestGeneration() throws Exception {
        Path out = dir.resolve("job.out");
        job = start(out, "--steps", "6000");
        Thread.sleep(300);
        Path storage = dir.resolve("storage");
        Path log = dir.resolve("log");
        String pid = Long.toString(job.pid());
        assertEquals(0, CrakCli.run(log, "dump", "--leave-running", "--pid", pid, "--storage", storage.toString(),
                "--job", "mt", "--compress", "zstd"), () -> CrakCli.read(log));
        Thread.sleep(300);
        assertEquals(0, CrakCli.run(log, "dump", "--pid", pid, "--storage", storage.toString(), "--job", "mt"),
                () -> CrakCli.read(log));
        assertTrue(job.waitFor(10, TimeUnit.SECONDS));
        assertTrue(CrakCli.read(log).contains("crak: wrote job mt generation 2"), CrakCli.read(log));
        assertEquals(0, CrakCli.run(log, "restore", "--storage", storage.toString(), "--job", "mt"), () -> CrakCli.read(log));
        assertTrue(CrakCli.read(log).contains("crak: restoring job mt generation 2"), CrakCli.read(log));
        assertEquals(reference("--steps", "6000"), Checksums.read(out), () -> CrakCli.read(log));
    }

    private String reference(String... args) throws Exception {
        Path out = dir.resolve("reference.out");
        Process p = start(out, args);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return Checksums.read(out);
    }

    private static Process start(Path out, String... args) throws Exception {
        List<String> cmd = SampleJob.MT_COMPUTE.command(List.of(args));
        return new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    /** The command printed exactly one line, starting with the expected text. */
    private static void assertOneLine(Path log, String expectedStart) {
        List<String> lines = CrakCli.read(log).lines().toList();
        assertEquals(1, lines.size(), () -> "expected one line, got: " + lines);
        assertTrue(lines.get(0).startsWith(expectedStart), () -> "got: " + lines.get(0));
    }

}
