package io.crak.core.inet;

import io.crak.core.files.FdState;

/**
 * A UDP socket of the job: its bound address and, when connected, its peer (remotePort 0: not
 * connected), and for IPv6 its IPV6_V6ONLY. Datagrams queued in the kernel at the dump are not kept (UDP may lose them anyway).
 */
public record UdpSocketState(String localIp, int localPort, String remoteIp, int remotePort, boolean reuseAddr,
        boolean v6Only) implements FdState {
    InetEndpoint local() {
        return new InetEndpoint(localIp, localPort);
    }

    InetEndpoint remote() {
        return new InetEndpoint(remoteIp, remotePort);
    }
}
