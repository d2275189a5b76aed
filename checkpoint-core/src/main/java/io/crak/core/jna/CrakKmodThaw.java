package io.crak.core.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code struct crak_thaw} of kmod/include/uapi/linux/crak.h: argument of CRAK_IOC_THAW. */
@FieldOrder({"generation", "nrThreads", "pad0", "elapsedNs"})
public class CrakKmodThaw extends Structure {
    public long generation;
    public int nrThreads;
    public int pad0;
    public long elapsedNs;

    /** Byte offset of a field, for checking this layout against the C header. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }
}
