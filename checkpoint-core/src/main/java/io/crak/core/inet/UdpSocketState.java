package io.crak.core.inet;

import io.crak.core.files.FdState;
import java.util.List;

/**
 * A UDP socket of the job: its bound address and, when connected, its peer (remotePort 0: not
 * connected), for IPv6 its IPV6_V6ONLY, and the datagrams queued on it at the dump, oldest first
 * ({@link UdpQueue}; null in images written before they were kept: none), and the buffer sizes the
 * job set (null likewise).
 */
public record UdpSocketState(String localIp, int localPort, String remoteIp, int remotePort, boolean reuseAddr,
        boolean v6Only, List<QueuedDatagram> queued, SocketBuffers buffers) implements FdState {
    InetEndpoint local() {
        return new InetEndpoint(localIp, localPort);
    }

    InetEndpoint remote() {
        return new InetEndpoint(remoteIp, remotePort);
    }

    List<QueuedDatagram> queuedOrNone() {
        return queued == null ? List.of() : queued;
    }
}
