package io.crak.core.inet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An IPv4 or IPv6 address and port, as /proc/net/{tcp,udp}[6] show it (the address as host-order
 * (little-endian) u32 words in hex, the port in hex: "0100007F:1F90") and as a struct sockaddr_in
 * or sockaddr_in6 (netinet/in.h). IPv6 addresses are written as eight full hex groups, so that a
 * v4-mapped address stays an IPv6 one.
 */
public record InetEndpoint(String ip, int port) {
    static final short AF_INET = 2;
    static final short AF_INET6 = 10;
    private static final int SOCKADDR_IN_BYTES = 16;
    private static final int SOCKADDR_IN6_BYTES = 28;
    private static final int IPV4_HEX_CHARS = 8;

    static InetEndpoint fromProcHex(String hex) {
        int colon = hex.indexOf(':');
        String addr = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        byte[] b = new byte[addr.length() / 2];
        for (int word = 0; word < b.length / 4; word++) {
            long w = Long.parseLong(addr.substring(word * 8, word * 8 + 8), 16);
            for (int k = 0; k < 4; k++) {
                b[word * 4 + k] = (byte) (w >> (8 * k));
            }
        }
        if (addr.length() == IPV4_HEX_CHARS) {
            return new InetEndpoint((b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff), port);
        }
        StringBuilder s = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            s.append(g == 0 ? "" : ":").append(Integer.toHexString((b[2 * g] & 0xff) << 8 | (b[2 * g + 1] & 0xff)));
        }
        return new InetEndpoint(s.toString(), port);
    }

    /** The endpoint a raw struct sockaddr_in or sockaddr_in6 names (as recvfrom returns it). */
    static InetEndpoint fromSockaddr(byte[] sockaddr) {
        ByteBuffer b = ByteBuffer.wrap(sockaddr).order(ByteOrder.LITTLE_ENDIAN);
        short family = b.getShort();
        int port = b.order(ByteOrder.BIG_ENDIAN).getShort() & 0xffff;
        if (family == AF_INET) {
            return new InetEndpoint((b.get() & 0xff) + "." + (b.get() & 0xff) + "." + (b.get() & 0xff) + "." + (b.get() & 0xff),
                    port);
        }
        if (family != AF_INET6) {
            throw new IllegalArgumentException("sockaddr of family " + family + ", not AF_INET or AF_INET6");
        }
        b.getInt(); // flow info
        StringBuilder s = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            s.append(g == 0 ? "" : ":").append(Integer.toHexString(b.getShort() & 0xffff));
        }
        return new InetEndpoint(s.toString(), port);
    }

    /**
     * An IPv4-mapped IPv6 address (what a dual-stack socket sees of an IPv4 peer) as the IPv4
     * endpoint it stands for; any other endpoint as it is.
     */
    InetEndpoint unmapped() {
        String prefix = "0:0:0:0:0:ffff:";
        if (!ip.startsWith(prefix)) {
            return this;
        }
        String[] g = ip.substring(prefix.length()).split(":");
        int hi = Integer.parseInt(g[0], 16);
        int lo = Integer.parseInt(g[1], 16);
        return new InetEndpoint((hi >> 8) + "." + (hi & 0xff) + "." + (lo >> 8) + "." + (lo & 0xff), port);
    }

    /** Bound to every address of its family (0.0.0.0 or ::), whatever the port. */
    boolean wildcardIp() {
        return ip.equals("0.0.0.0") || ip.equals("0:0:0:0:0:0:0:0");
    }

    /** The loopback address of this endpoint's family, with the given port. */
    InetEndpoint loopback(int toPort) {
        return new InetEndpoint(ipv6() ? "0:0:0:0:0:0:0:1" : "127.0.0.1", toPort);
    }

    boolean ipv6() {
        return ip.contains(":");
    }

    int family() {
        return ipv6() ? AF_INET6 : AF_INET;
    }

    boolean isAny() {
        return port == 0 && (ip.equals("0.0.0.0") || ip.equals("0:0:0:0:0:0:0:0"));
    }

    byte[] sockaddr() {
        ByteBuffer b = ByteBuffer.allocate(ipv6() ? SOCKADDR_IN6_BYTES : SOCKADDR_IN_BYTES);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort(ipv6() ? AF_INET6 : AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
        if (ipv6()) {
            b.putInt(0); // flow info
            for (String group : ip.split(":")) {
                b.putShort((short) Integer.parseInt(group, 16));
            }
            // scope id 0: loopback and global addresses only
        } else {
            for (String part : ip.split("\\.")) {
                b.put((byte) Integer.parseInt(part));
            }
        }
        return b.array();
    }

    /** The address alone, in network order: 4 bytes for IPv4, 16 for IPv6. */
    byte[] addressBytes() {
        byte[] sa = sockaddr();
        return ipv6() ? java.util.Arrays.copyOfRange(sa, 8, 24) : java.util.Arrays.copyOfRange(sa, 4, 8);
    }

    @Override
    public String toString() {
        return ipv6() ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
