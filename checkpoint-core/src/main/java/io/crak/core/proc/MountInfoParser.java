package io.crak.core.proc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Parses /proc/PID/mountinfo. */
public final class MountInfoParser {
    private static final String FILE = "mountinfo";
    private static final String OPTIONAL_FIELDS_END = "-";
    /** mount id .. options, before the optional fields. */
    private static final int FIXED_FIELDS = 6;

    private MountInfoParser() {}

    public static List<MountInfo> parse(String text) {
        List<MountInfo> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                mounts.add(parseLine(line));
            }
        }
        return List.copyOf(mounts);
    }

    static MountInfo parseLine(String line) {
        String[] f = line.split(" ");
        int separator = Arrays.asList(f).indexOf(OPTIONAL_FIELDS_END);
        // fs type and source always follow the separator; super options may be empty on old kernels
        if (separator < FIXED_FIELDS || f.length < separator + 3) {
            throw new MalformedProcFileException(FILE, "line '" + line + "' lacks fields");
        }
        String[] dev = f[2].split(":");
        try {
            return new MountInfo(
                    Integer.parseInt(f[0]),
                    Integer.parseInt(f[1]),
                    Integer.parseInt(dev[0]),
                    Integer.parseInt(dev[1]),
                    unescape(f[3]),
                    unescape(f[4]),
                    f[5],
                    List.of(Arrays.copyOfRange(f, FIXED_FIELDS, separator)),
                    unescape(f[separator + 1]),
                    unescape(f[separator + 2]),
                    f.length > separator + 3 ? f[separator + 3] : "");
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new MalformedProcFileException(FILE, "line '" + line + "': " + e.getMessage(), e);
        }
    }

    /** Decodes the kernel's {@code \ooo} octal escapes (for ' ', '\t', '\n', '\\'). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
