package io.crak.core.inet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.image.DirectoryImageSink;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP and UDP sockets of real processes through dump, kill and restore. */
@Tag("integration")
class InetSocketsCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void tcpQueuesBothWaysListenerPortAndUdpSurviveDumpKillRestore() throws Exception {
        Path exe = InetTestJob.build("tcp-udp-queues", dir);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        InetTestJob job = InetTestJob.start(dir.resolve("out"), List.of(exe.toString(), go.toString(), ready.toString()));
        try {
            job.awaitFile(ready);
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            Files.createFile(go);
            ExitStatus st = job.awaitExit();
            String out = job.output();
            assertEquals(0, st.exitCode(), out);
            assertTrue(out.startsWith("PASS tcp 262144 bytes + 65536 bytes, listener port "
                    + Files.readString(ready).split(" ")[0]), out);
        } finally {
            job.kill();
        }
    }

    @Test
    void ipv6ConnectionDualStackListenerAndUdpSurviveDumpKillRestore() throws Exception {
        Path exe = InetTestJob.build("tcp6-dual-stack", dir);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        InetTestJob job = InetTestJob.start(dir.resolve("out"), List.of(exe.toString(), go.toString(), ready.toString()));
        try {
            job.awaitFile(ready);
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            Files.createFile(go);
            ExitStatus st = job.awaitExit();
            assertEquals(0, st.exitCode(), job.output());
            assertEquals("PASS ipv6 stream 20000 bytes, dual-stack listener port " + Files.readString(ready).strip()
                    + ", udp [::1]\n", job.output());
        } finally {
            job.kill();
        }
    }

    @Test
    void jobLeftRunningAfterDumpTalksOnItsConnectionsAgain() throws Exception {
        Path exe = InetTestJob.build("tcp-udp-queues", dir);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        InetTestJob job = InetTestJob.start(dir.resolve("out"), List.of(exe.toString(), go.toString(), ready.toString()));
        try {
            job.awaitFile(ready);
            new CheckpointEngine().dump(DumpRequest.of(job.pid, true), new DirectoryImageSink(dir.resolve("images")));
            // the dump took its connections through TCP repair mode and back out of it
            Files.createFile(go);
            ExitStatus st = job.awaitExit();
            assertEquals(0, st.exitCode(), job.output());
            assertTrue(job.output().startsWith("PASS tcp 262144 bytes"), job.output());
        } finally {
            job.kill();
        }
    }

    @Test
    void connectionToPeerOutsideJobIsRefusedThenResetWithTcpClose() throws Exception {
        Path exe = InetTestJob.build("tcp-reset", dir);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        try (ServerSocket outside = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetTestJob job = InetTestJob.start(dir.resolve("out"),
                    List.of(exe.toString(), Integer.toString(outside.getLocalPort()), go.toString(), ready.toString()));
            try (Socket peer = outside.accept()) {
                job.awaitFile(ready);
                CrakException refused = assertThrows(CrakException.class, () -> new CheckpointEngine()
                        .dump(DumpRequest.of(job.pid, false), new DirectoryImageSink(dir.resolve("refused"))));
                assertTrue(refused.getMessage().matches("pid " + job.pid + " fd 3: TCP connection 127\\.0\\.0\\.1:\\d+ -> "
                        + "127\\.0\\.0\\.1:" + outside.getLocalPort() + " goes to a peer outside the job; dump with "
                        + "--tcp-close to drop it"), refused.getMessage());
                assertTrue(Files.exists(Path.of("/proc", Integer.toString(job.pid))), "a refused dump keeps the job");
                job.dumpKill(dir.resolve("images"), true);
                job.restore(dir.resolve("images"));
                Files.createFile(go);
                ExitStatus st = job.awaitExit();
                assertEquals(0, st.exitCode(), job.output());
                assertEquals("PASS read on the dropped connection: ECONNRESET\n", job.output());
            } finally {
                job.kill();
            }
        }
    }
}
