package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct crak_status} of kmod/include/uapi/linux/crak.h: argument of CRAK_IOC_STATUS. */
@FieldOrder({"generation", "nrProcesses", "nrThreads", "nrQuiescent", "nrRunning", "nrExited", "pad0"})
public class CrakKmodStatus extends HeaderStructure {
    public long generation;
    public int nrProcesses;
    public int nrThreads;
    public int nrQuiescent;
    public int nrRunning;
    public int nrExited;
    public int pad0;
}
