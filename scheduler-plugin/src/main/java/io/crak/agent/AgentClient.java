package io.crak.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.crak.job.DurationText;

/** The CLI's side of {@link AgentServer}: one request, one response. */
public final class AgentClient {
    /** Environment variable naming the agent's socket when {@code --socket} is not given. */
    public static final String SOCKET_ENV = "CRAK_AGENT_SOCKET";

    /** Longest an answer may take: {@code crak checkpoint} waits up to 10 minutes for its generation. */
    public static final Duration DEFAULT_TIMEOUT = AgentRequests.CHECKPOINT_WAIT.plusMinutes(1);

    private final Path socket;
    private final Duration timeout;

    public AgentClient(Path socket) {
        this(socket, DEFAULT_TIMEOUT);
    }

    /** A client that gives up on an agent (hung, stopped) that does not answer within {@code timeout}. */
    public AgentClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
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
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (ch.isOpen()) {
                timedOut.set(true);
                try {
                    ch.close(); // ends the blocked read below
                } catch (IOException e) {
                    // closing anyway
                }
            }
        });
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
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new IOException("agent on " + socket + " did not answer within " + DurationText.format(timeout), e);
            }
            throw e;
        }
    }
}
