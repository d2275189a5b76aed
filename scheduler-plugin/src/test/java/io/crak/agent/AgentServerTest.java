package io.crak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI socket: requests and answers over a real unix socket, the caller known from SO_PEERCRED. */
class AgentServerTest {
    @TempDir
    Path dir;

    private AgentServer echoServer(Path socket) throws Exception {
        return new AgentServer(socket, (req, caller) -> {
            ObjectNode r = AgentProtocol.ok();
            r.put("caller", caller.name());
            r.put("uid", caller.uid());
            r.put("echo", req.path("op").asText());
            return r;
        });
    }

    @Test
    void theCallerIsWhoTheKernelSays() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (AgentServer s = echoServer(socket)) {
            ObjectNode r = new AgentClient(socket).call(AgentProtocol.request("status"));
            assertTrue(r.get("ok").asBoolean());
            assertEquals("status", r.get("echo").asText());
            long myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            assertEquals(myUid, r.get("uid").asLong());
            assertEquals("rw-rw-rw-", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(socket)), "any local user may connect; operations check permission");
        }
        assertFalse(Files.exists(socket), "the socket file goes with the agent");
    }

    @Test
    void aSecondAgentOnTheSameSocketIsRefusedAndAStaleSocketIsReplaced() throws Exception {
        Path socket = dir.resolve("agent.sock");
        try (AgentServer s = echoServer(socket)) {
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> echoServer(socket));
            assertTrue(e.getMessage().contains("another crak agent"), e.getMessage());
        }
        Files.createFile(socket); // left behind by an agent that was killed
        try (AgentServer s = echoServer(socket)) {
            assertTrue(new AgentClient(socket).call(AgentProtocol.request("x")).get("ok").asBoolean());
        }
    }

    @Test
    @Tag("integration")
    void anotherUserIsSeenAsThatUser() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (AgentServer s = echoServer(socket)) {
            // perl-base is on every Debian system; the client claims to be root, the kernel knows better
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "perl",
                    "-MIO::Socket::UNIX", "-e",
                    "my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die \"connect: $!\"; "
                            + "print $s qq({\"op\":\"cancel\",\"user\":\"root\"}\\n); print scalar <$s>;",
                    socket.toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            ObjectNode r = (ObjectNode) AgentProtocol.JSON.readTree(out);
            assertEquals(65534, r.get("uid").asInt(), out);
            assertEquals("cancel", r.get("echo").asText());
        }
    }
}
