package io.crak.core.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/net/dev (two header lines, then one line per interface of the process's
 * network namespace, "  NAME: counters...") into the interface names, in the kernel's order.
 */
public final class NetDevParser {
    private static final int HEADER_LINES = 2;

    private NetDevParser() {
    }

    public static List<String> interfaces(String text) {
        List<String> names = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = HEADER_LINES; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MalformedProcFileException("net/dev", "line " + (i + 1) + " names no interface: '" + line + "'",
                        null);
            }
            names.add(line.substring(0, colon).strip());
        }
        return List.copyOf(names);
    }
}
