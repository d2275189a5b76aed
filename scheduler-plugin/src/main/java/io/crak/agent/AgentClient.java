package io.crak.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The CLI's side of {@link AgentServer}: one request, one response. */
public final class AgentClient {
    /** Environment variable naming the agent's socket when {@code --socket} is not given. */
    public static final String SOCKET_ENV = "CRAK_AGENT_SOCKET";

    private final Path socket;

    public AgentClient(Path socket) {
        this.socket = socket;
    }

    /** The socket from {@code explicit}, else $CRAK_AGENT_SOCKET, else the default. */
    public static AgentClient of(Path explicit) {
        if (explicit != null) {
            return new AgentClient(explicit);
        }
        String env = System.getenv(SOCKET_ENV);
        return new AgentClient(env != null && !env.isBlank() ? Path.of(env) : AgentConfig.DEFAULT_SOCKET);
    }

    public ObjectNode call(ObjectNode request) throws IOException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("no crak agent answers on " + socket + " (" + e.getMessage()
                    + "): start one with 'crak agent' or name its socket with --socket or $" + SOCKET_ENV, e);
        }
        try (ch) {
            ByteBuffer b = ByteBuffer.wrap((AgentProtocol.JSON.writeValueAsString(request) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            String line = AgentServer.readLine(ch);
            if (line.isEmpty()) {
                throw new IOException("agent on " + socket + " closed the connection without an answer");
            }
            return (ObjectNode) AgentProtocol.JSON.readTree(line);
        }
    }
}
