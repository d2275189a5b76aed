package io.crak.core.inet;

/** A datagram that sat in a UDP socket's receive queue at the dump, with the address it came from. */
public record QueuedDatagram(String sourceIp, int sourcePort, byte[] data) {
    InetEndpoint source() {
        return new InetEndpoint(sourceIp, sourcePort);
    }
}
