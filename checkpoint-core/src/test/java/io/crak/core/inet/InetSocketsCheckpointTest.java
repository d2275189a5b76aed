package io.crak.core.inet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.image.DirectoryImageSink;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP and UDP sockets of real processes, with what is queued on them, through dump, kill and restore. */
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
            String[] ports = Files.readString(ready).strip().split(" ");
            int outsidePort = InetTestJob.sendDatagramFromOutside(Integer.parseInt(ports[1]));
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            Files.createFile(go);
            ExitStatus st = job.awaitExit();
            String out = job.output();
            assertEquals(0, st.exitCode(), out);
            // the datagrams queued at the dump come back in order from their senders, the job's and not
            assertEquals("PASS tcp 262144 bytes + 65536 bytes, listener port " + ports[0] + " kept, udp port " + ports[1]
                    + ", 3 datagrams queued by the child, one from outside port " + outsidePort + "\n", out);
        } finally {
            job.kill();
        }
    }

    @Test
    void aJobInANetworkNamespaceOfItsOwnGetsAFreshOneWithEverythingInIt() throws Exception {
        Path exe = InetTestJob.build("tcp-udp-queues", dir);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        InetTestJob job = InetTestJob.start(dir.resolve("out"),
                List.of(exe.toString(), go.toString(), ready.toString(), "own-netns"));
        try {
            job.awaitFile(ready);
            String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            String before = Files.readSymbolicLink(Path.of("/proc", Integer.toString(job.pid), "ns", "net")).toString();
            assertNotEquals(ours, before, "the program did not move into a network namespace of its own");
            String[] ports = Files.readString(ready).strip().split(" ");
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            String after = Files.readSymbolicLink(Path.of("/proc", Integer.toString(job.pid), "ns", "net")).toString();
            assertNotEquals(ours, after, "the restored job shares crak's network namespace");
            Files.createFile(go);
            ExitStatus st = job.awaitExit();
            // connections, listener port, queued datagrams and loopback all in the new namespace
            assertEquals(0, st.exitCode(), job.output());
            assertEquals("PASS tcp 262144 bytes + 65536 bytes, listener port " + ports[0] + " kept, udp port " + ports[1]
                    + ", 3 datagrams queued by the child, in a network namespace of its own\n", job.output());
        } finally {
            job.kill();
        }
    }

    @Test
    void aNetworkNamespaceSharedWithAProcessOutsideTheTreeIsRefused() throws Exception {
        Path ready = dir.resolve("ready");
        InetTestJob shell = InetTestJob.start(dir.resolve("out"), List.of("unshare", "--net", "/bin/sh", "-c",
                "sleep 60 & echo $! > '" + ready + "'; wait"));
        int sleeper = 0;
        try {
            shell.awaitFile(ready);
            sleeper = Integer.parseInt(Files.readString(ready).strip());
            int pid = sleeper;
            CrakException refused = assertThrows(CrakException.class, () -> new CheckpointEngine()
                    .dump(DumpRequest.of(pid, false), new DirectoryImageSink(dir.resolve("images"))));
            assertTrue(refused.getMessage().matches("pid " + pid + ": its network namespace net:\\[\\d+\\] is also used by pid "
                    + shell.pid + ", which is not part of the tree; only a namespace of the job's own can be dumped"),
                    refused.getMessage());
            assertTrue(Files.exists(Path.of("/proc", Integer.toString(pid))), "the refused dump harmed pid " + pid);
        } finally {
            if (sleeper != 0) {
                new ProcessBuilder("kill", "-9", Integer.toString(sleeper)).start().waitFor();
            }
            shell.kill();
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
    void aQueuedDatagramWhoseSenderAddressIsTakenFailsTheRestoreCleanlyThenComesBack() throws Exception {
        Path exe = InetTestJob.build("udp-queue", dir);
        Path go = dir.resolve("go");
        Path ready = dir.resolve("ready");
        InetTestJob job = InetTestJob.start(dir.resolve("out"), List.of(exe.toString(), go.toString(), ready.toString()));
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            job.awaitFile(ready);
            int port = Integer.parseInt(Files.readString(ready).strip());
            for (String d : List.of("first", "second")) {
                byte[] b = d.getBytes(StandardCharsets.US_ASCII);
                sender.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
            job.dumpKill(dir.resolve("images"), false);
            // the sender still holds its address: the datagrams cannot be sent again from it
            long fdsBefore = openFdsOfThisJvm();
            CrakException refused = assertThrows(CrakException.class, () -> job.restore(dir.resolve("images")));
            assertTrue(refused.getMessage().matches("pid " + job.pid + " fd 3: UDP socket 127\\.0\\.0\\.1:" + port
                    + ": putting back queued datagram 1 of 2 \\(from 127\\.0\\.0\\.1:" + sender.getLocalPort()
                    + "\\): bind .*EADDRINUSE"), refused.getMessage());
            assertFalse(job.alive(), "a failed restore left pid " + job.pid + " behind");
            assertEquals(fdsBefore, openFdsOfThisJvm(), "the failed restore left descriptors open in crak");
            int senderPort = sender.getLocalPort();
            sender.close();
            job.restore(dir.resolve("images"));
            Files.createFile(go);
            assertEquals(0, job.awaitExit().exitCode(), job.output());
            assertEquals("GOT first from " + senderPort + "\nGOT second from " + senderPort + "\nEND\n", job.output());
        } finally {
            job.kill();
        }
    }

    private static long openFdsOfThisJvm() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
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
            int outsidePort = InetTestJob.sendDatagramFromOutside(Integer.parseInt(Files.readString(ready).strip().split(" ")[1]));
            new CheckpointEngine().dump(DumpRequest.of(job.pid, true), new DirectoryImageSink(dir.resolve("images")));
            // the dump took its connections through TCP repair mode and back out of it, and only
            // peeked at the queued datagrams
            Files.createFile(go);
            ExitStatus st = job.awaitExit();
            assertEquals(0, st.exitCode(), job.output());
            assertTrue(job.output().startsWith("PASS tcp 262144 bytes"), job.output());
            assertTrue(job.output().endsWith("one from outside port " + outsidePort + "\n"), job.output());
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
