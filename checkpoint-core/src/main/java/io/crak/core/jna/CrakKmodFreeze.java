package io.crak.core.jna;

import com.sun.jna.Structure.FieldOrder;

/** {@code struct crak_freeze} of kmod/include/uapi/linux/crak.h: argument of CRAK_IOC_FREEZE. */
@FieldOrder({"scope", "flags", "pid", "nrPids", "pidsPtr", "timeoutNs", "outPidsPtr", "outPidsCap", "pad0",
    "generation", "elapsedNs", "nrProcesses", "nrThreads", "nrStopped", "nrBlocked", "nrExited", "outFlags",
    "errPid", "pad1"})
public class CrakKmodFreeze extends HeaderStructure {
    // in
    public int scope;
    public int flags;
    public int pid;
    public int nrPids;
    public long pidsPtr;
    public long timeoutNs;
    public long outPidsPtr;
    public int outPidsCap;
    public int pad0;
    // out
    public long generation;
    public long elapsedNs;
    public int nrProcesses;
    public int nrThreads;
    public int nrStopped;
    public int nrBlocked;
    public int nrExited;
    public int outFlags;
    public int errPid;
    public int pad1;
}
