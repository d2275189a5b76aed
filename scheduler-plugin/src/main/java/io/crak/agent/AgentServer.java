package io.crak.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's unix socket. One request per connection: the CLI writes one JSON object and a
 * newline, the agent answers with one JSON object and a newline. The caller is whoever the kernel
 * says is at the other end (SO_PEERCRED), never what the request claims, so the socket itself is
 * open to every local user and each operation checks its own permission.
 */
final class AgentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
    static final int MAX_REQUEST_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers one request from {@code caller}. */
    interface Handler {
        ObjectNode handle(ObjectNode request, UserAccount caller);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "crak-agent-socket");
        t.setDaemon(true);
        return t;
    });
    private final Thread acceptor;
    private volatile boolean closed;

    AgentServer(Path path, Handler handler) throws IOException {
        this.path = path;
        Files.createDirectories(path.getParent());
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("socket " + path + " is in use: another crak agent runs on this node");
            }
            Files.delete(path); // left by an agent that died
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        acceptor = new Thread(() -> acceptLoop(handler), "crak-agent-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop(Handler handler) {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                pool.submit(() -> serve(ch, handler));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("socket {}: accept failed: {}", path, e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel ch, Handler handler) {
        try (ch) {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            ObjectNode response;
            try {
                UserAccount caller = UserAccount.lookup(peer.user().getName());
                ObjectNode request = (ObjectNode) JSON.readTree(readLine(ch));
                response = handler.handle(request, caller);
            } catch (IOException | ClassCastException e) {
                response = AgentProtocol.error(AgentProtocol.EXIT_USAGE, "bad request: " + e.getMessage());
            }
            byte[] out = (JSON.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.wrap(out);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            LOG.warn("socket {}: a client connection failed: {}", path, e.toString());
        }
    }

    static String readLine(SocketChannel ch) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (true) {
            b.clear();
            int n = ch.read(b);
            if (n < 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                byte c = b.get(i);
                if (c == '\n') {
                    return buf.toString(StandardCharsets.UTF_8);
                }
                buf.write(c);
            }
            if (buf.size() > MAX_REQUEST_BYTES) {
                throw new IOException("message longer than " + MAX_REQUEST_BYTES + " bytes");
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        pool.shutdownNow();
        Files.deleteIfExists(path);
    }
}
