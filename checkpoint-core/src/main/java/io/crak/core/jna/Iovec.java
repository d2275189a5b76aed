package io.crak.core.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code struct iovec} of sys/uio.h, used by PTRACE_GETREGSET / PTRACE_SETREGSET. */
@FieldOrder({"iov_base", "iov_len"})
public class Iovec extends Structure {
    public long iov_base;
    public long iov_len;
}
