package io.crak.core.unixsock;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import io.crak.core.jna.UnixSocketCalls;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts the queued data of a restored unix socket back, from crak: by sending it again through
 * whichever socket sent it (the other end of a pair, the restored bound sender, or an unbound
 * socket of crak's), with a send buffer grown for the time it takes so nothing waits.
 */
final class QueueRefill {
    /** Room per queued message beyond its bytes, for the kernel's per-message overhead in the send buffer. */
    private static final int MESSAGE_OVERHEAD_BYTES = 2048;
    private static final int SEND_BUFFER_SLACK_BYTES = 64 * 1024;

    /** Finds the restored socket bound to a name and returns crak's duplicate of it. */
    interface BoundSockets {
        int duplicate(byte[] name) throws NativeException;
    }

    private QueueRefill() {
    }

    static boolean hasNamedSender(UnixSocketState s) {
        return s.senders().stream().anyMatch(n -> n.length > 0);
    }

    /**
     * Sends the datagrams queued to {@code s} again, each from its sender: the restored socket
     * bound to the sender's name (a duplicate crak takes of it), or an unbound socket of crak's.
     * Runs before any datagram socket is connected: a connected receiver takes nothing but its peer's.
     */
    static void refillFromSenders(RestoreSession session, UnixSocketState s, BoundSockets bound)
            throws NativeException, CrakException {
        Map<String, Integer> senders = new LinkedHashMap<>();
        Map<Integer, Long> needed = new HashMap<>();
        try {
            for (int i = 0; i < s.queue().size(); i++) {
                byte[] name = s.senders().get(i);
                String key = UnixSocketCapture.show(name);
                Integer fd = senders.get(key);
                if (fd == null) {
                    fd = name.length == 0 ? session.socket(UnixSocketCalls.AF_UNIX, s.type()) : bound.duplicate(name);
                    senders.put(key, fd);
                }
                needed.merge(fd, (long) s.queue().get(i).length + MESSAGE_OVERHEAD_BYTES, Long::sum);
            }
            Map<Integer, Integer> before = new HashMap<>();
            for (Map.Entry<Integer, Long> n : needed.entrySet()) {
                int cur = SocketOptions.getInt(n.getKey(), SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, "SO_SNDBUF");
                if (n.getValue() + SEND_BUFFER_SLACK_BYTES > cur) {
                    before.put(n.getKey(), cur);
                    SocketOptions.setInt(n.getKey(), SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUFFORCE,
                            (int) (n.getValue() + SEND_BUFFER_SLACK_BYTES), "SO_SNDBUFFORCE");
                }
            }
            for (int i = 0; i < s.queue().size(); i++) {
                UnixSocketCalls.send(senders.get(UnixSocketCapture.show(s.senders().get(i))), s.queue().get(i), s.name());
            }
            for (Map.Entry<Integer, Integer> b : before.entrySet()) {
                SocketOptions.setInt(b.getKey(), SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUFFORCE,
                        b.getValue() / 2, "SO_SNDBUFFORCE");
            }
        } finally {
            senders.values().forEach(FdCalls::close);
        }
    }

    /** Datagrams queued to a bound socket from unbound senders, sent again from an unbound socket of crak's. */
    static void refillBound(RestoreSession session, UnixSocketState s) throws NativeException, CrakException {
        if (s.queue().isEmpty()) {
            return;
        }
        // made in the tree's network namespace: an abstract name is looked up there
        int sender = session.socket(UnixSocketCalls.AF_UNIX, s.type());
        try {
            refill(sender, s, s.name());
        } finally {
            FdCalls.close(sender);
        }
    }

    /** Sends the queue of {@code s} through {@code sender}, with a send buffer large enough for all of it. */
    static void refill(int sender, UnixSocketState s, byte[] to) throws NativeException {
        long needed = SEND_BUFFER_SLACK_BYTES;
        for (byte[] m : s.queue()) {
            needed += m.length + MESSAGE_OVERHEAD_BYTES;
        }
        int before = SocketOptions.getInt(sender, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUF, "SO_SNDBUF");
        boolean grow = needed > before && !s.queue().isEmpty();
        if (grow) {
            SocketOptions.setInt(sender, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUFFORCE, (int) needed,
                    "SO_SNDBUFFORCE");
        }
        for (byte[] m : s.queue()) {
            UnixSocketCalls.send(sender, m, to);
        }
        if (grow) {
            SocketOptions.setInt(sender, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUFFORCE, before / 2,
                    "SO_SNDBUFFORCE");
        }
    }

    /** getsockopt reports twice the size set: set half of what was read. */
    static void setBuffers(int fd, UnixSocketState s) throws NativeException {
        SocketOptions.setInt(fd, SocketOptions.SOL_SOCKET, SocketOptions.SO_SNDBUFFORCE, s.sendBufferBytes() / 2,
                "SO_SNDBUFFORCE");
        SocketOptions.setInt(fd, SocketOptions.SOL_SOCKET, SocketOptions.SO_RCVBUFFORCE,
                s.receiveBufferBytes() / 2, "SO_RCVBUFFORCE");
    }
}
