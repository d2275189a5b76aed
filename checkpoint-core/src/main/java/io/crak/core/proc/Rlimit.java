package io.crak.core.proc;

/**
 * One resource limit. Values are the kernel's unsigned 64-bit numbers; {@link #INFINITY}
 * (RLIM_INFINITY, all bits set, shown as "unlimited") is -1 in a Java long.
 */
public record Rlimit(RlimitResource resource, long soft, long hard) {
    public static final long INFINITY = -1L;

    public boolean softUnlimited() {
        return soft == INFINITY;
    }

    public boolean hardUnlimited() {
        return hard == INFINITY;
    }
}
