package io.crak.core.inet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An IPv4 address and port, as /proc/net/{tcp,udp} show it ("0100007F:1F90": the address as a
 * host-order (little-endian) u32, the port in hex) and as a struct sockaddr_in (netinet/in.h).
 */
public record InetEndpoint(String ip, int port) {
    private static final short AF_INET = 2;
    static final int SOCKADDR_IN_BYTES = 16;

    static InetEndpoint fromProcHex(String hex) {
        int colon = hex.indexOf(':');
        long a = Long.parseLong(hex.substring(0, colon), 16);
        String ip = (a & 0xff) + "." + (a >> 8 & 0xff) + "." + (a >> 16 & 0xff) + "." + (a >> 24 & 0xff);
        return new InetEndpoint(ip, Integer.parseInt(hex.substring(colon + 1), 16));
    }

    boolean isAny() {
        return ip.equals("0.0.0.0") && port == 0;
    }

    byte[] sockaddr() {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN_BYTES);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
        for (String part : ip.split("\\.")) {
            b.put((byte) Integer.parseInt(part));
        }
        return b.array();
    }

    @Override
    public String toString() {
        return ip + ":" + port;
    }
}
