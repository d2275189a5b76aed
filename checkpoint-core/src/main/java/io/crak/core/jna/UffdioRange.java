package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct uffdio_range} of linux/userfaultfd.h: argument of UFFDIO_UNREGISTER. */
@FieldOrder({"start", "len"})
public class UffdioRange extends HeaderStructure {
    public long start;
    public long len;
}
