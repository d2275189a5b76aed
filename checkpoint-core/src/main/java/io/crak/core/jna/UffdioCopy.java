package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct uffdio_copy} of linux/userfaultfd.h: argument of UFFDIO_COPY. {@code copy} is
 * written back by the kernel: bytes copied, or a negative errno.
 */
@FieldOrder({"dst", "src", "len", "mode", "copy"})
public class UffdioCopy extends HeaderStructure {
    public long dst;
    public long src;
    public long len;
    public long mode;
    public long copy;
}
