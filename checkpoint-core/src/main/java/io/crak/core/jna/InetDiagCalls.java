package io.crak.core.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * TCP sockets through NETLINK_SOCK_DIAG (linux/sock_diag.h, linux/inet_diag.h, linux/netlink.h):
 * SOCK_DESTROY of one socket named by its addresses, in crak's network namespace. The kernel
 * (CONFIG_INET_DIAG_DESTROY, CAP_NET_ADMIN) aborts it as ss -K does; a TIME_WAIT socket is simply
 * removed.
 */
public final class InetDiagCalls {
    private static final long SYS_RECVFROM = 45;
    private static final int SOCK_DESTROY = 21;
    private static final int NLM_F_ACK = 4;
    private static final int IPPROTO_TCP = 6;
    /** struct inet_diag_req_v2: family, protocol, ext, pad, states, then struct inet_diag_sockid. */
    private static final int REQ_BYTES = 56;
    private static final int SOCKID_OFFSET = 8;
    private static final int ADDRESS_BYTES = 16;
    private static final int ACK_BYTES = 64;

    private InetDiagCalls() {
    }

    /**
     * Destroys the TCP socket whose local end is {@code localAddr}:{@code localPort} and remote end
     * {@code remoteAddr}:{@code remotePort} (addresses of 4 or 16 bytes, network order, of
     * {@code family}) and whose state is one of {@code stateMask} (1 << TCP state).
     */
    public static void destroyTcp(int family, byte[] localAddr, int localPort, byte[] remoteAddr, int remotePort,
            int stateMask) throws NativeException {
        int nl = SockDiag.open();
        try (Memory req = SockDiag.request(REQ_BYTES, SOCK_DESTROY, SockDiag.NLM_F_REQUEST | NLM_F_ACK);
                Memory ack = new Memory(ACK_BYTES)) {
            int r = SockDiag.NLMSG_HDR_BYTES;
            req.setByte(r, (byte) family);
            req.setByte(r + 1, (byte) IPPROTO_TCP);
            req.setInt(r + 4, stateMask);
            int id = r + SOCKID_OFFSET;
            req.setShort(id, Short.reverseBytes((short) localPort)); // __be16
            req.setShort(id + 2, Short.reverseBytes((short) remotePort));
            req.write(id + 4, localAddr, 0, localAddr.length);
            req.write(id + 4 + ADDRESS_BYTES, remoteAddr, 0, remoteAddr.length);
            req.setInt(id + 4 + 2 * ADDRESS_BYTES + 4, -1); // INET_DIAG_NOCOOKIE
            req.setInt(id + 4 + 2 * ADDRESS_BYTES + 8, -1);
            String what = "SOCK_DESTROY of TCP socket port " + localPort + " -> port " + remotePort;
            SockDiag.send(nl, req, what);
            LibC.checkedSyscall(what, SYS_RECVFROM, nl, Pointer.nativeValue(ack), ACK_BYTES, 0, 0, 0);
            if ((ack.getShort(4) & 0xffff) != SockDiag.NLMSG_ERROR) {
                throw new NativeException(what + ": no acknowledgement", Errno.EIO);
            }
            int error = -ack.getInt(SockDiag.NLMSG_HDR_BYTES);
            if (error != 0) {
                throw new NativeException(what, error);
            }
        } finally {
            FdCalls.close(nl);
        }
    }
}
