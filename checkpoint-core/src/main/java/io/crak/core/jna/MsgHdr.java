package io.crak.core.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code struct msghdr} of sys/socket.h (x86-64), with addresses as raw longs. */
@FieldOrder({"msg_name", "msg_namelen", "pad0", "msg_iov", "msg_iovlen", "msg_control", "msg_controllen",
        "msg_flags", "pad1"})
public class MsgHdr extends Structure {
    public long msg_name;
    public int msg_namelen;
    public int pad0;
    public long msg_iov;
    public long msg_iovlen;
    public long msg_control;
    public long msg_controllen;
    public int msg_flags;
    public int pad1;
}
