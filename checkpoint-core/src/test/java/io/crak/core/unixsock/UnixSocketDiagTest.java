package io.crak.core.unixsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.jna.UnixSocketCalls;
import io.crak.core.jna.UnixSocketDiag;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sock_diag as the dump reads it, on real sockets of this JVM: names, states, peers, queue lengths. */
class UnixSocketDiagTest {
    @TempDir
    Path dir;

    @Test
    void reportsListenerNameAcceptedPairAndQueuedBytes() throws Exception {
        Path path = dir.resolve("l.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path), 7);
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap(new byte[123]));
                Map<Long, UnixSocketDiag> all = UnixSocketCalls.diagnoseAll();
                String name = path.toString();
                UnixSocketDiag listener = all.values().stream()
                        .filter(d -> d.state() == UnixSocketCapture.TCP_LISTEN && UnixSocketCapture.show(d.name()).equals(name))
                        .findFirst().orElseThrow(() -> new AssertionError("no listener on " + name));
                assertEquals(7, listener.backlog());
                assertEquals(UnixSocketCalls.SOCK_STREAM, listener.type());
                assertTrue(listener.pendingConnections().isEmpty());
                UnixSocketDiag acc = all.values().stream()
                        .filter(d -> d.state() == UnixSocketCapture.TCP_ESTABLISHED
                                && UnixSocketCapture.show(d.name()).equals(name))
                        .findFirst().orElseThrow(() -> new AssertionError("no accepted socket named " + name));
                UnixSocketDiag peer = all.get(acc.peer());
                assertEquals(acc.inode(), peer.peer(), "peers name each other");
                assertEquals(123, acc.receiveQueue());
                assertEquals(0, peer.receiveQueue());
            }
        }
    }

    @Test
    void showsPathsAbstractAndUnboundNames() {
        assertEquals("/tmp/x.sock", UnixSocketCapture.show("/tmp/x.sock\0".getBytes()));
        assertEquals("@abstract", UnixSocketCapture.show("\0abstract".getBytes()));
        assertEquals("(unbound)", UnixSocketCapture.show(new byte[0]));
    }
}
