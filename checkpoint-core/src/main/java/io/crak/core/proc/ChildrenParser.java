package io.crak.core.proc;

import java.util.ArrayList;
import java.util.List;

/** Parses /proc/PID/task/TID/children: space-separated pids of the children that thread created. */
public final class ChildrenParser {
    private ChildrenParser() {}

    public static List<Integer> parse(String text) {
        List<Integer> pids = new ArrayList<>();
        for (String s : text.strip().split("\\s+")) {
            if (s.isEmpty()) {
                continue;
            }
            try {
                pids.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException("children", "'" + s + "' is not a pid", e);
            }
        }
        return List.copyOf(pids);
    }
}
