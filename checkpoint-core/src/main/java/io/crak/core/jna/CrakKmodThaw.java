package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct crak_thaw} of kmod/include/uapi/linux/crak.h: argument of CRAK_IOC_THAW. */
@FieldOrder({"generation", "nrThreads", "pad0", "elapsedNs"})
public class CrakKmodThaw extends HeaderStructure {
    public long generation;
    public int nrThreads;
    public int pad0;
    public long elapsedNs;
}
