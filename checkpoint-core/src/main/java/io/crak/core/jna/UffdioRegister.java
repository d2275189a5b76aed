package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code struct uffdio_register} of linux/userfaultfd.h, argument of UFFDIO_REGISTER, with its
 * {@code struct uffdio_range range} member flattened into {@code rangeStart} and {@code rangeLen}.
 */
@FieldOrder({"rangeStart", "rangeLen", "mode", "ioctls"})
public class UffdioRegister extends HeaderStructure {
    public long rangeStart;
    public long rangeLen;
    public long mode;
    public long ioctls;
}
