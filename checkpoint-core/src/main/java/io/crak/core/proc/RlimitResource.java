package io.crak.core.proc;

import java.util.Optional;

/** Linux resource limits with their RLIMIT_* numbers (asm-generic/resource.h) and /proc/PID/limits row names. */
public enum RlimitResource {
    CPU(0, "Max cpu time"),
    FSIZE(1, "Max file size"),
    DATA(2, "Max data size"),
    STACK(3, "Max stack size"),
    CORE(4, "Max core file size"),
    RSS(5, "Max resident set"),
    NPROC(6, "Max processes"),
    NOFILE(7, "Max open files"),
    MEMLOCK(8, "Max locked memory"),
    AS(9, "Max address space"),
    LOCKS(10, "Max file locks"),
    SIGPENDING(11, "Max pending signals"),
    MSGQUEUE(12, "Max msgqueue size"),
    NICE(13, "Max nice priority"),
    RTPRIO(14, "Max realtime priority"),
    RTTIME(15, "Max realtime timeout");

    private final int number;
    private final String rowName;

    RlimitResource(int number, String rowName) {
        this.number = number;
        this.rowName = rowName;
    }

    /** The RLIMIT_* value passed to prlimit(2). */
    public int number() {
        return number;
    }

    /** The row label in /proc/PID/limits. */
    public String rowName() {
        return rowName;
    }

    public static Optional<RlimitResource> ofRowName(String rowName) {
        for (RlimitResource r : values()) {
            if (r.rowName.equals(rowName)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public static RlimitResource ofNumber(int number) {
        for (RlimitResource r : values()) {
            if (r.number == number) {
                return r;
            }
        }
        throw new IllegalArgumentException("no RLIMIT with number " + number);
    }
}
