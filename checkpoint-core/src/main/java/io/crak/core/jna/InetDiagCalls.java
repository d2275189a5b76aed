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
    private static final long SYS_SOCKET = 41;
    private static final long SYS_SENDTO = 44;
    private static final long SYS_RECVFROM = 45;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOCK_DESTROY = 21;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_ACK = 4;
    private static final int NLMSG_ERROR = 2;
    private static final int IPPROTO_TCP = 6;
    private static final int NLMSG_HDR_BYTES = 16;
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
        int nl = (int) LibC.checkedSyscall("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", SYS_SOCKET, AF_NETLINK,
                SOCK_DGRAM | FdCalls.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        try (Memory req = new Memory(NLMSG_HDR_BYTES + REQ_BYTES); Memory ack = new Memory(ACK_BYTES)) {
            req.clear();
            req.setInt(0, (int) req.size());
            req.setShort(4, (short) SOCK_DESTROY);
            req.setShort(6, (short) (NLM_F_REQUEST | NLM_F_ACK));
            req.setInt(8, 1);
            int r = NLMSG_HDR_BYTES;
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
            LibC.checkedSyscall(what, SYS_SENDTO, nl, Pointer.nativeValue(req), req.size(), 0, 0, 0);
            LibC.checkedSyscall(what, SYS_RECVFROM, nl, Pointer.nativeValue(ack), ACK_BYTES, 0, 0, 0);
            if ((ack.getShort(4) & 0xffff) != NLMSG_ERROR) {
                throw new NativeException(what + ": no acknowledgement", Errno.EIO);
            }
            int error = -ack.getInt(NLMSG_HDR_BYTES);
            if (error != 0) {
                throw new NativeException(what, error);
            }
        } finally {
            FdCalls.close(nl);
        }
    }
}
