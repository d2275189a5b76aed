package io.crak.core.proc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Parses /proc/PID/status ("Key:\tvalue" lines). Unknown keys are ignored. */
public final class StatusParser {
    private static final String FILE = "status";

    private StatusParser() {}

    public static ProcStatus parse(String text) {
        Map<String, String> v = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                // Keep the value raw: a command name may start or end with spaces.
                String value = line.substring(colon + 1);
                v.put(line.substring(0, colon), value.startsWith("\t") ? value.substring(1) : value);
            }
        }
        try {
            String[] sigQ = required(v, "SigQ").strip().split("/");
            return new ProcStatus(
                    unescapeName(required(v, "Name")),
                    v.containsKey("Umask") ? Integer.parseInt(v.get("Umask").strip(), 8) : null,
                    state(required(v, "State")),
                    integer(v, "Tgid"),
                    v.containsKey("Ngid") ? integer(v, "Ngid") : 0,
                    integer(v, "Pid"),
                    integer(v, "PPid"),
                    integer(v, "TracerPid"),
                    ids(v, "Uid"),
                    ids(v, "Gid"),
                    ints(v.getOrDefault("Groups", "")),
                    ints(v.getOrDefault("NStgid", "")),
                    ints(v.getOrDefault("NSpid", "")),
                    ints(v.getOrDefault("NSpgid", "")),
                    ints(v.getOrDefault("NSsid", "")),
                    integer(v, "Threads"),
                    Long.parseLong(sigQ[0]),
                    Long.parseLong(sigQ[1]),
                    mask(v, "SigPnd"),
                    mask(v, "ShdPnd"),
                    mask(v, "SigBlk"),
                    mask(v, "SigIgn"),
                    mask(v, "SigCgt"),
                    mask(v, "CapInh"),
                    mask(v, "CapPrm"),
                    mask(v, "CapEff"),
                    mask(v, "CapBnd"),
                    v.containsKey("CapAmb") ? mask(v, "CapAmb") : 0L,
                    "1".equals(v.getOrDefault("NoNewPrivs", "").strip()),
                    v.containsKey("Seccomp") ? integer(v, "Seccomp") : 0);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new MalformedProcFileException(FILE, "bad value: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> v, String key) {
        String value = v.get(key);
        if (value == null) {
            throw new MalformedProcFileException(FILE, "no '" + key + ":' line");
        }
        return value;
    }

    private static int integer(Map<String, String> v, String key) {
        return Integer.parseInt(required(v, key).strip());
    }

    private static long mask(Map<String, String> v, String key) {
        return Long.parseUnsignedLong(required(v, key).strip(), 16);
    }

    /** "R (running)" -> 'R'. */
    private static char state(String value) {
        value = value.strip();
        if (value.isEmpty()) {
            throw new MalformedProcFileException(FILE, "empty State");
        }
        return value.charAt(0);
    }

    private static int[] ids(Map<String, String> v, String key) {
        List<Integer> list = ints(required(v, key));
        if (list.size() != 4) {
            throw new MalformedProcFileException(FILE, key + " has " + list.size() + " ids, expected 4");
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> ints(String value) {
        List<Integer> out = new ArrayList<>();
        for (String s : value.strip().split("\\s+")) {
            if (!s.isEmpty()) {
                // ids are unsigned in the kernel; parseUnsignedInt keeps 4294967295 as -1 (no id)
                out.add(Integer.parseUnsignedInt(s));
            }
        }
        return out;
    }

    /** The kernel escapes '\n' and '\\' in the Name line (comm itself is raw in stat). */
    private static String unescapeName(String escaped) {
        if (escaped.indexOf('\\') < 0) {
            return escaped;
        }
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\' && i + 1 < escaped.length()) {
                char next = escaped.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
