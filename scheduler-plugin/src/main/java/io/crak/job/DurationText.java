package io.crak.job;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them on Crak's command line: {@code 500ms}, {@code 30s}, {@code 10m},
 * {@code 2h}, {@code 1h30m}, {@code 1d}. Units are written in decreasing order, each at most once.
 */
public final class DurationText {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:d|h|ms|m|s))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(d|h|ms|m|s)");
    private static final String UNIT_ORDER = "d h m s ms";

    private DurationText() {
    }

    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("duration '" + text
                    + "' is not like 30s, 10m, 2h, 1h30m or 500ms");
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int lastUnit = -1;
        while (m.find()) {
            int unit = java.util.List.of(UNIT_ORDER.split(" ")).indexOf(m.group(2));
            if (unit <= lastUnit) {
                throw new IllegalArgumentException("duration '" + text
                        + "': units must appear once each, largest first (e.g. 1h30m)");
            }
            lastUnit = unit;
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("duration '" + text + "': " + m.group(1) + " is too large");
            }
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        return total;
    }

    /** The shortest text {@link #parse} reads back as {@code d} (milliseconds precision). */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration " + d + " is negative");
        }
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        append(sb, d.toDaysPart(), "d");
        append(sb, d.toHoursPart(), "h");
        append(sb, d.toMinutesPart(), "m");
        append(sb, d.toSecondsPart(), "s");
        append(sb, d.toMillisPart(), "ms");
        return sb.toString();
    }

    private static void append(StringBuilder sb, long n, String unit) {
        if (n != 0) {
            sb.append(n).append(unit);
        }
    }
}
