package io.crak.core.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * The NETLINK_SOCK_DIAG socket both socket-diagnosis users open (linux/sock_diag.h,
 * linux/netlink.h): the socket itself, close-on-exec, in crak's network namespace, and a request
 * with its struct nlmsghdr filled in.
 */
final class SockDiag {
    static final int NLMSG_HDR_BYTES = 16;
    static final int NLM_F_REQUEST = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    private static final long SYS_SOCKET = 41;
    private static final long SYS_SENDTO = 44;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int NETLINK_SOCK_DIAG = 4;

    private SockDiag() {
    }

    static int open() throws NativeException {
        return (int) LibC.checkedSyscall("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", SYS_SOCKET, AF_NETLINK,
                SOCK_DGRAM | FdCalls.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    }

    /** A zeroed request of bodyBytes after its nlmsghdr, whose length, type, flags and seq are set. */
    static Memory request(int bodyBytes, int type, int flags) {
        Memory req = new Memory(NLMSG_HDR_BYTES + bodyBytes);
        req.clear();
        req.setInt(0, (int) req.size());
        req.setShort(4, (short) type);
        req.setShort(6, (short) flags);
        req.setInt(8, 1);
        return req;
    }

    static void send(int nl, Memory req, String what) throws NativeException {
        LibC.checkedSyscall(what, SYS_SENDTO, nl, Pointer.nativeValue(req), req.size(), 0, 0, 0);
    }
}
