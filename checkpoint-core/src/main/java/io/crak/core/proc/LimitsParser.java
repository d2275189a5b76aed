package io.crak.core.proc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Parses /proc/PID/limits: a header line, then one fixed-width row per resource
 * ("%-25s %-20s %-20s %-10s"). Row names contain spaces, so the values are taken from the end.
 */
public final class LimitsParser {
    private static final String FILE = "limits";
    private static final String UNLIMITED = "unlimited";
    private static final int NAME_COLUMN_WIDTH = 25;

    private LimitsParser() {}

    /** @return one limit per resource the kernel listed, in RLIMIT number order */
    public static List<Rlimit> parse(String text) {
        List<Rlimit> limits = new ArrayList<>();
        EnumSet<RlimitResource> seen = EnumSet.noneOf(RlimitResource.class);
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("Limit ")) {
                continue;
            }
            if (line.length() <= NAME_COLUMN_WIDTH) {
                throw new MalformedProcFileException(FILE, "row too short: '" + line + "'");
            }
            String rowName = line.substring(0, NAME_COLUMN_WIDTH).strip();
            Optional<RlimitResource> resource = RlimitResource.ofRowName(rowName);
            if (resource.isEmpty()) {
                // A limit added by a newer kernel: not restorable by number, so not reported.
                continue;
            }
            String[] values = line.substring(NAME_COLUMN_WIDTH).strip().split("\\s+");
            if (values.length < 2) {
                throw new MalformedProcFileException(FILE, "row '" + line + "' lacks soft and hard values");
            }
            try {
                limits.add(new Rlimit(resource.get(), value(values[0]), value(values[1])));
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException(FILE, "row '" + line.strip() + "': " + e.getMessage(), e);
            }
            if (!seen.add(resource.get())) {
                throw new MalformedProcFileException(FILE, "row '" + rowName + "' appears twice");
            }
        }
        limits.sort((a, b) -> Integer.compare(a.resource().number(), b.resource().number()));
        return List.copyOf(limits);
    }

    private static long value(String s) {
        return UNLIMITED.equals(s) ? Rlimit.INFINITY : Long.parseUnsignedLong(s);
    }
}
