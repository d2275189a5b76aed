package io.crak.core.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code struct ptrace_rseq_configuration} of linux/ptrace.h. */
@FieldOrder({"rseq_abi_pointer", "rseq_abi_size", "signature", "flags", "pad"})
public class RseqConfiguration extends Structure {
    public long rseq_abi_pointer;
    public int rseq_abi_size;
    public int signature;
    public int flags;
    public int pad;
}
