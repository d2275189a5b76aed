package io.crak.core.inet;

import io.crak.core.files.FdState;

/**
 * A UDP socket of the job: its bound address and, when connected, its peer (remotePort 0: not
 * connected). Datagrams queued in the kernel at the dump are not kept (UDP may lose them anyway).
 */
public record UdpSocketState(String localIp, int localPort, String remoteIp, int remotePort, boolean reuseAddr)
        implements FdState {
    InetEndpoint local() {
        return new InetEndpoint(localIp, localPort);
    }

    InetEndpoint remote() {
        return new InetEndpoint(remoteIp, remotePort);
    }
}
