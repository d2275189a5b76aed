package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct uffdio_api} of linux/userfaultfd.h: argument of UFFDIO_API (the handshake). */
@FieldOrder({"api", "features", "ioctls"})
public class UffdioApi extends HeaderStructure {
    public long api;
    public long features;
    public long ioctls;
}
