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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP and UDP sockets of real processes, with what is queued on them, through dump, kill and restore. */
@Tag("integration")
class InetSocketsCheckpointTest {
    @TempDir
    Path dir;

    private Path go() {
        return dir.resolve("go");
    }

    private Path ready() {
        return dir.resolve("ready");
    }

    /**
     * Builds and starts test program {@code name} with its go and ready files (then extra
     * arguments), and returns once it wrote its ready file; the job is killed if it never does.
     */
    private InetTestJob startReady(String name, String... extra) throws Exception {
        List<String> argv = new ArrayList<>(List.of(InetTestJob.build(name, dir).toString(), go().toString(),
                ready().toString()));
        argv.addAll(List.of(extra));
        InetTestJob job = InetTestJob.start(dir.resolve("out"), argv);
        try {
            job.awaitFile(ready());
        } catch (Exception | AssertionError e) {
            job.kill();
            throw e;
        }
        return job;
    }

    /** What the program wrote in its ready file, split at spaces (its ports). */
    private String[] readyWords() throws Exception {
        return Files.readString(ready()).strip().split(" ");
    }

    /** Lets the job check itself after the checkpoint; asserts it passed and returns its output. */
    private String goAndPass(InetTestJob job) throws Exception {
        Files.createFile(go());
        ExitStatus st = job.awaitExit();
        assertEquals(0, st.exitCode(), job.output());
        return job.output();
    }

    @Test
    void tcpQueuesBothWaysListenerPortAndUdpSurviveDumpKillRestore() throws Exception {
        InetTestJob job = startReady("tcp-udp-queues");
        try {
            String[] ports = readyWords();
            int outsidePort = InetTestJob.sendDatagramFromOutside(Integer.parseInt(ports[1]));
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            String out = goAndPass(job);
            // the datagrams queued at the dump come back in order from their senders, the job's and not
            assertEquals("PASS tcp 262144 bytes + 65536 bytes, listener port " + ports[0] + " kept, udp port " + ports[1]
                    + ", 3 datagrams queued by the child, one from outside port " + outsidePort + "\n", out);
        } finally {
            job.kill();
        }
    }

    @Test
    void aJobInANetworkNamespaceOfItsOwnGetsAFreshOneWithEverythingInIt() throws Exception {
        InetTestJob job = startReady("tcp-udp-queues", "own-netns");
        try {
            String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            String before = Files.readSymbolicLink(Path.of("/proc", Integer.toString(job.pid), "ns", "net")).toString();
            assertNotEquals(ours, before, "the program did not move into a network namespace of its own");
            String[] ports = readyWords();
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            String after = Files.readSymbolicLink(Path.of("/proc", Integer.toString(job.pid), "ns", "net")).toString();
            assertNotEquals(ours, after, "the restored job shares crak's network namespace");
            // connections, listener port, queued datagrams and loopback all in the new namespace
            assertEquals("PASS tcp 262144 bytes + 65536 bytes, listener port " + ports[0] + " kept, udp port " + ports[1]
                    + ", 3 datagrams queued by the child, in a network namespace of its own\n", goAndPass(job));
        } finally {
            job.kill();
        }
    }

    @Test
    void halfClosedConnectionsComeBackHalfClosedWithTheirDataAndFins() throws Exception {
        InetTestJob job = startReady("tcp-half-closed");
        try {
            // CLOSE_WAIT (8) with data and the FIN queued, FIN_WAIT1 (4) with most data and the FIN
            // unsent, FIN_WAIT2 (5), ESTABLISHED (1) with a full receive queue
            assertEquals("parent A 8 B 4 child A 5 B 1", Files.readString(ready()).strip());
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            // the program checks the same states again, then every byte and each end of file
            assertEquals("PASS A 5000 bytes then end of file, B 524288 bytes then end of file, both answered\n",
                    goAndPass(job));
        } finally {
            job.kill();
        }
    }

    @Test
    void bufferSizesTheJobSetComeBackLockedAndTheOthersStayAutotuned() throws Exception {
        InetTestJob job = startReady("socket-buffers");
        try {
            String written = readyWords()[0];
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            // the program compares every size and lock with its own reading before the dump; the
            // figures are twice what it asked for (the kernel's doubling), so halving at restore is exact
            assertEquals("PASS " + written + " bytes through sndbuf 40000 to rcvbuf 12000; listener rcvbuf 12000,"
                    + " udp rcvbuf 100000, unconnected sndbuf 140000; unset sizes unlocked\n", goAndPass(job));
        } finally {
            job.kill();
        }
    }

    @Test
    void socketsNotYetBoundOrBoundButIdleComeBackSoAndWork() throws Exception {
        InetTestJob job = startReady("tcp-udp-unbound");
        try {
            String port = readyWords()[0];
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            assertEquals("PASS unbound TCP connected to B, B bound to port " + port + " listened, unbound UDP sent\n",
                    goAndPass(job));
        } finally {
            job.kill();
        }
    }

    @Test
    void aConnectionClosedBothWaysComesBackWithItsUnreadBytesThenEndOfFile() throws Exception {
        InetTestJob job = startReady("tcp-closed");
        try {
            assertEquals("A 7 F 7", Files.readString(ready()).strip()); // both CLOSE, only A was connected
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            assertEquals("PASS closed connection: 70000 bytes then end of file, EPIPE; never connected: ENOTCONN\n",
                    goAndPass(job));
        } finally {
            job.kill();
        }
    }

    @Test
    void aListenerPortHeldByTheJobsOwnTimeWaitIsFreedAtARestoreOnTheSameNode() throws Exception {
        InetTestJob job = startReady("tcp-closed", "time-wait-on-listener");
        try {
            int port = listenerPort(job.pid);
            job.dumpKill(dir.resolve("images"), false);
            assertEquals(1, timeWaitOn(port), "the job's accepted end left no TIME_WAIT on its listener's port");
            job.restore(dir.resolve("images"));
            assertEquals(0, timeWaitOn(port));
            assertEquals("PASS closed connection: 70000 bytes then end of file, EPIPE; never connected: ENOTCONN\n",
                    goAndPass(job));
        } finally {
            job.kill();
        }
    }

    /** The port of the listening TCP socket of pid (its fd 3). */
    private static int listenerPort(int pid) throws Exception {
        String link = Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "fd", "3")).toString();
        long inode = Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
        ProcNetSocket l = ProcNetSocket.find(Path.of("/proc/self/net"), inode).orElseThrow();
        assertEquals(ProcNetSocket.TCP_LISTEN, l.state());
        return l.local().port();
    }

    private static int timeWaitOn(int port) throws Exception {
        return ProcNetSocket.onPort(Path.of("/proc/self/net"), port, ProcNetSocket.TCP_TIME_WAIT).size();
    }

    @Test
    void netlinkRawAndNotYetAcceptedSocketsAreRefusedNamingWhatTheyAreAndTheJobRunsOn() throws Exception {
        for (String kind : List.of("netlink", "raw", "unaccepted")) {
            Files.deleteIfExists(ready());
            Files.deleteIfExists(go());
            InetTestJob job = startReady("unsupported-socket", kind);
            try {
                String fd = readyWords()[0];
                CrakException refused = assertThrows(CrakException.class, () -> new CheckpointEngine()
                        .dump(DumpRequest.of(job.pid, false), new DirectoryImageSink(dir.resolve("images-" + kind))));
                String why = switch (kind) {
                    case "netlink" -> "socket:\\[\\d+\\] is a netlink socket, not supported";
                    case "raw" -> "socket:\\[\\d+\\] is a raw IPv4 socket of protocol 1, not supported.*";
                    // its server end has no descriptor: not "a peer outside the job", and no --tcp-close
                    default -> "TCP connection 127\\.0\\.0\\.1:\\d+ -> (127\\.0\\.0\\.1:\\d+): its other end is not"
                            + " yet accepted by the listener on \\1 \\(connections not yet accepted are not supported\\)";
                };
                assertTrue(refused.getMessage().matches("pid " + job.pid + " fd " + fd + ": " + why), refused.getMessage());
                assertTrue(job.alive(), "the refused dump harmed pid " + job.pid);
                assertEquals("PASS " + kind + " socket kept\n", goAndPass(job));
            } finally {
                job.kill();
            }
        }
    }

    @Test
    void aNetworkNamespaceSharedWithAProcessOutsideTheTreeIsRefused() throws Exception {
        InetTestJob shell = InetTestJob.start(dir.resolve("out"), List.of("unshare", "--net", "/bin/sh", "-c",
                "sleep 60 & echo $! > '" + ready() + "'; wait"));
        int sleeper = 0;
        try {
            shell.awaitFile(ready());
            sleeper = Integer.parseInt(readyWords()[0]);
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
        InetTestJob job = startReady("tcp6-dual-stack");
        try {
            job.dumpKill(dir.resolve("images"), false);
            job.restore(dir.resolve("images"));
            assertEquals("PASS ipv6 stream 20000 bytes, dual-stack listener port " + readyWords()[0] + ", udp [::1]\n",
                    goAndPass(job));
        } finally {
            job.kill();
        }
    }

    @Test
    void aQueuedDatagramWhoseSenderAddressIsTakenFailsTheRestoreCleanlyThenComesBack() throws Exception {
        InetTestJob job = startReady("udp-queue");
        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = Integer.parseInt(readyWords()[0]);
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
            assertEquals("GOT first from " + senderPort + "\nGOT second from " + senderPort + "\nEND\n",
                    goAndPass(job));
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
        InetTestJob job = startReady("tcp-udp-queues");
        try {
            int outsidePort = InetTestJob.sendDatagramFromOutside(Integer.parseInt(readyWords()[1]));
            new CheckpointEngine().dump(DumpRequest.of(job.pid, true), new DirectoryImageSink(dir.resolve("images")));
            // the dump took its connections through TCP repair mode and back out of it, and only
            // peeked at the queued datagrams
            String out = goAndPass(job);
            assertTrue(out.startsWith("PASS tcp 262144 bytes"), out);
            assertTrue(out.endsWith("one from outside port " + outsidePort + "\n"), out);
        } finally {
            job.kill();
        }
    }

    @Test
    void connectionToPeerOutsideJobIsRefusedThenResetWithTcpClose() throws Exception {
        Path exe = InetTestJob.build("tcp-reset", dir);
        try (ServerSocket outside = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetTestJob job = InetTestJob.start(dir.resolve("out"),
                    List.of(exe.toString(), Integer.toString(outside.getLocalPort()), go().toString(), ready().toString()));
            try (Socket peer = outside.accept()) {
                job.awaitFile(ready());
                CrakException refused = assertThrows(CrakException.class, () -> new CheckpointEngine()
                        .dump(DumpRequest.of(job.pid, false), new DirectoryImageSink(dir.resolve("refused"))));
                assertTrue(refused.getMessage().matches("pid " + job.pid + " fd 3: TCP connection 127\\.0\\.0\\.1:\\d+ -> "
                        + "127\\.0\\.0\\.1:" + outside.getLocalPort() + " goes to a peer outside the job; dump with "
                        + "--tcp-close to drop it"), refused.getMessage());
                assertTrue(Files.exists(Path.of("/proc", Integer.toString(job.pid))), "a refused dump keeps the job");
                job.dumpKill(dir.resolve("images"), true);
                job.restore(dir.resolve("images"));
                assertEquals("PASS read on the dropped connection: ECONNRESET\n", goAndPass(job));
            } finally {
                job.kill();
            }
        }
    }
}
