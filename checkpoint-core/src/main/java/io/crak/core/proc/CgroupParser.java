package io.crak.core.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses /proc/PID/cgroup ("hierarchy-id:controller,list:path" lines). */
public final class CgroupParser {
    private static final String FILE = "cgroup";

    private CgroupParser() {}

    public static List<CgroupMembership> parse(String text) {
        List<CgroupMembership> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            // The path may contain ':', so split on the first two only.
            String[] f = line.split(":", 3);
            if (f.length != 3) {
                throw new MalformedProcFileException(FILE, "line '" + line + "' is not id:controllers:path");
            }
            try {
                out.add(new CgroupMembership(Integer.parseInt(f[0]),
                        f[1].isEmpty() ? List.of() : List.of(f[1].split(",")), f[2]));
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException(FILE, "line '" + line + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** The cgroup v2 path of the process, if the unified hierarchy is in use. */
    public static Optional<String> unifiedPath(List<CgroupMembership> memberships) {
        return memberships.stream().filter(CgroupMembership::isUnified).map(CgroupMembership::path).findFirst();
    }

    /** The path in the v1 hierarchy that carries {@code controller} (e.g. "freezer"). */
    public static Optional<String> v1Path(List<CgroupMembership> memberships, String controller) {
        return memberships.stream()
                .filter(m -> m.controllers().contains(controller))
                .map(CgroupMembership::path)
                .findFirst();
    }
}
