package io.crak.storage;

import java.util.Locale;

/** Byte counts as people read them in tables and messages. */
public final class ByteCount {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteCount() {
    }

    /** 1536 -> "1.5 KiB", 12 -> "12 B", negative (unknown) -> "?". */
    public static String human(long n) {
        if (n < 0) {
            return "?";
        }
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
