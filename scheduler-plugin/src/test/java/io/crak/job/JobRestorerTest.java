package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.image.DirectoryImageSource;
import io.crak.samples.SampleJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore never grants more than the job owner had: a real job whose command runs as another
 * user (crak-init as root, its command as {@value #OTHER_UID} through setpriv) is checkpointed and
 * killed, then
 * restored for the wrong owner (refused), with an untrusted init (refused), and for its owner
 * (restored into its cgroup, credentials as they were). In both namespace modes.
 */
@Tag("integration")
class JobRestorerTest {
    static final int OTHER_UID = 65534;
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static JobLauncher launcher;
    private static CheckpointEngine engine;

    @TempDir
    Path dir;
    private final String cgroupName = "restorer-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @BeforeAll
    static void setUp() throws IOException {
        ChildReaper.get(); // the launched init and the restored tree are reparented to us
        launcher = JobLauncher.withBundledInit();
        engine = new CheckpointEngine();
    }

    @AfterEach
    void removeCgroup() throws IOException {
        JobCgroup.named(cgroupName).killAndRemove(TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(NamespaceMode.class)
    void imagesOfAnotherUserAreRefusedAndTheOwnersRestore(NamespaceMode mode) throws Exception {
        Path images = Files.createDirectory(dir.resolve("images"));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid", "" + OTHER_UID, "--regid", "" + OTHER_UID,
                "--clear-groups"));
        command.addAll(SampleJob.MT_COMPUTE.command(List.of("--threads", "1", "--steps", "100000000")));
        RunningJob job = launcher.launch(new JobSpec("owner-test", command, dir, mode, JobOutput.files(dir),
                cgroupName, Optional.empty()));
        awaitCommandAsOtherUser(job.cgroup());
        // a checkpoint as crak run and the agent take it, then the job dies (its pids are reaped)
        engine.dump(DumpRequest.of(job.rootPid(), true), new DirectoryImageSink(images));
        job.kill(TIMEOUT);
        JobRestorer restorer = JobRestorer.withBundledInit(engine);

        CrakException wrongOwner = assertThrows(CrakException.class,
                () -> restorer.restore("owner-test", 0, job.cgroup(), new DirectoryImageSource(images)));
        assertTrue(wrongOwner.getMessage().contains("uid " + OTHER_UID) && wrongOwner.getMessage().contains("owner uid 0"),
                wrongOwner.getMessage());
        // crak-init runs as root: only this build's crak-init may, not any root process
        JobRestorer untrusting = new JobRestorer(engine, Path.of("/bin/sh"));
        CrakException untrustedRoot = assertThrows(CrakException.class,
                () -> untrusting.restore("owner-test", OTHER_UID, job.cgroup(), new DirectoryImageSource(images)));
        assertTrue(untrustedRoot.getMessage().contains("uid 0") && untrustedRoot.getMessage().contains(
                "owner uid " + OTHER_UID), untrustedRoot.getMessage());
        assertTrue(job.cgroup().pids().isEmpty(), "a refused restore creates nothing: " + job.cgroup().pids());

        RunningJob restored = restorer.restore("owner-test", OTHER_UID, job.cgroup(), new DirectoryImageSource(images));
        List<Integer> pids = job.cgroup().pids();
        assertTrue(pids.contains(restored.rootPid()), "restored root " + restored.rootPid() + " in the job's cgroup " + pids);
        int restoredCommand = awaitCommandAsOtherUser(job.cgroup());
        assertEquals(List.of(restored.rootPid()), List.of(Integer.parseInt(status(restoredCommand, "PPid"))),
                "the command is the restored init's child");
        assertEquals(mode != NamespaceMode.HOST ? "1" : "" + restored.rootPid(),
                lastField(status(restored.rootPid(), "NSpid")), "the init's pid in its own namespace");
        boolean ownNetwork = !Files.readSymbolicLink(Path.of("/proc", Integer.toString(restored.rootPid()), "ns", "net"))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")));
        assertEquals(mode == NamespaceMode.PID_AND_NET_NAMESPACE, ownNetwork, "the init in a network namespace of its own");
        restored.kill(TIMEOUT);
    }

    /** The pid of the job's command once it runs as OTHER_UID (setpriv has exec'd it). */
    private static int awaitCommandAsOtherUser(JobCgroup cgroup) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            for (int pid : cgroup.pids()) {
                try {
                    if (Files.readString(Path.of("/proc/" + pid + "/comm")).strip().equals(SampleJob.MT_COMPUTE.binaryName())
                            && status(pid, "Uid").equals(OTHER_UID + "\t" + OTHER_UID + "\t" + OTHER_UID + "\t" + OTHER_UID)) {
                        return pid;
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
            assertTrue(System.nanoTime() < deadline, "no " + SampleJob.MT_COMPUTE.binaryName() + " running as uid "
                    + OTHER_UID + " in " + cgroup);
            Thread.sleep(10);
        }
    }

    private static String status(int pid, String key) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith(key + ":")).findFirst()
                .orElseThrow(() -> new IOException("pid " + pid + ": no " + key + " in its status"))
                .substring(key.length() + 1).strip();
    }

    private static String lastField(String s) {
        String[] f = s.split("\\s+");
        return f[f.length - 1];
    }
}
