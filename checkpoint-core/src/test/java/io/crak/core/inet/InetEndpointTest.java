package io.crak.core.inet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Endpoints as /proc/net shows them, as sockaddr bytes, and the forms a UDP refill needs. */
class InetEndpointTest {
    @Test
    void procHexAndSockaddrAgree() {
        InetEndpoint v4 = InetEndpoint.fromProcHex("0100007F:1F90");
        assertEquals(new InetEndpoint("127.0.0.1", 8080), v4);
        assertEquals(v4, InetEndpoint.fromSockaddr(v4.sockaddr()));
        InetEndpoint v6 = InetEndpoint.fromProcHex("00000000000000000000000001000000:0035");
        assertEquals(new InetEndpoint("0:0:0:0:0:0:0:1", 53), v6);
        assertEquals(v6, InetEndpoint.fromSockaddr(v6.sockaddr()));
    }

    @Test
    void mappedIpv4IsUnmappedAndOthersStay() {
        assertEquals(new InetEndpoint("127.0.0.1", 9), new InetEndpoint("0:0:0:0:0:ffff:7f00:1", 9).unmapped());
        assertEquals(new InetEndpoint("10.1.200.3", 7), new InetEndpoint("0:0:0:0:0:ffff:a01:c803", 7).unmapped());
        InetEndpoint v6 = new InetEndpoint("fe80:0:0:0:0:0:0:1", 5);
        assertEquals(v6, v6.unmapped());
    }

    @Test
    void wildcardAndLoopback() {
        assertTrue(new InetEndpoint("0.0.0.0", 5000).wildcardIp());
        assertTrue(new InetEndpoint("0:0:0:0:0:0:0:0", 5000).wildcardIp());
        assertFalse(new InetEndpoint("127.0.0.1", 5000).wildcardIp());
        assertEquals(new InetEndpoint("127.0.0.1", 6), new InetEndpoint("10.0.0.1", 1).loopback(6));
        assertEquals(new InetEndpoint("0:0:0:0:0:0:0:1", 6), new InetEndpoint("0:0:0:0:0:0:0:0", 1).loopback(6));
    }

    @Test
    void sockaddrOfAnotherFamilyIsRefused() {
        byte[] unix = {1, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> InetEndpoint.fromSockaddr(unix));
    }
}
