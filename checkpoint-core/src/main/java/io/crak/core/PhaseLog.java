package io.crak.core;

/**
 * Prints how long each phase of a dump or restore took, to stderr, when the environment variable
 * CRAK_PHASES is set: the tool for finding where a checkpoint spends its time.
 */
public final class PhaseLog {
    private static final boolean ON = System.getenv("CRAK_PHASES") != null;

    private PhaseLog() {
    }

    public static void mark(String phase, long startNanos) {
        if (ON) {
            System.err.printf("crak: phase %-8s %6d ms%n", phase, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    /** A remark about how a phase ran (a fallback taken), printed only with CRAK_PHASES. */
    public static void note(String remark) {
        if (ON) {
            System.err.println("crak: phase note: " + remark);
        }
    }
}
