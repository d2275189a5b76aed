package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.InetSocketCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SocketOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The receive queue of a UDP socket across a checkpoint. At the dump every queued datagram is
 * peeked (left in place, so a job that goes on reads it) with its source address. At restore,
 * once every socket of the tree exists, each is sent again to its socket from the address it
 * came from — from the job's own socket bound there when there is one (a datagram between two
 * processes of the job), else from a socket of crak's bound there for the one datagram
 * (IP_FREEBIND: the sender may have been on another host) — so the application reads the same
 * datagrams in the same order from the same senders, and a connected socket accepts them.
 */
final class UdpQueue {
    private static final int IPPROTO_IP = 0;
    private static final int IP_FREEBIND = 15;
    private static final int IPV6_FREEBIND = 78;

    /** A UDP socket built for the job, with crak's own descriptor of it kept until the refill. */
    record Restored(int pid, int fd, int sock, UdpSocketState state) {
    }

    private UdpQueue() {
    }

    static List<QueuedDatagram> capture(int dup) throws NativeException {
        List<QueuedDatagram> out = new ArrayList<>();
        for (InetSocketCalls.Datagram d : InetSocketCalls.peekDatagrams(dup)) {
            InetEndpoint from = InetEndpoint.fromSockaddr(d.source());
            out.add(new QueuedDatagram(from.ip(), from.port(), d.data()));
        }
        return out;
    }

    /** Sends every socket's queued datagrams again; all sockets of the tree must exist. */
    static void refill(RestoreSession session, List<Restored> restored) throws CrakException {
        for (Restored receiver : restored) {
            List<QueuedDatagram> queued = receiver.state().queuedOrNone();
            for (int i = 0; i < queued.size(); i++) {
                QueuedDatagram d = queued.get(i);
                InetEndpoint from = d.source().unmapped();
                InetEndpoint local = receiver.state().local();
                InetEndpoint to = local.wildcardIp() ? from.loopback(local.port()) : local.unmapped();
                try {
                    send(session, restored, from, to, d.data());
                } catch (NativeException e) {
                    throw new CrakException("pid " + receiver.pid() + " fd " + receiver.fd() + ": UDP socket " + local
                            + ": putting back queued datagram " + (i + 1) + " of " + queued.size() + " (from " + from
                            + "): " + e.getMessage(), e);
                }
            }
        }
    }

    private static void send(RestoreSession session, List<Restored> restored, InetEndpoint from, InetEndpoint to,
            byte[] data) throws NativeException, CrakException {
        for (Restored r : restored) {
            InetEndpoint bound = r.state().local();
            boolean sameFamily = bound.ipv6() == from.ipv6();
            if (sameFamily && bound.port() == from.port() && (bound.wildcardIp() || bound.unmapped().equals(from))) {
                InetSocketCalls.sendTo(r.sock(), data, to.sockaddr(), to.toString());
                return;
            }
        }
        int sock = session.socket(from.family(), InetSockets.SOCK_DGRAM);
        try {
            SocketOptions.setInt(sock, from.ipv6() ? InetSockets.IPPROTO_IPV6 : IPPROTO_IP,
                    from.ipv6() ? IPV6_FREEBIND : IP_FREEBIND, 1, "IP_FREEBIND");
            InetSocketCalls.bind(sock, from.sockaddr(), from.toString());
            InetSocketCalls.sendTo(sock, data, to.sockaddr(), to.toString());
        } finally {
            FdCalls.close(sock);
        }
    }
}
