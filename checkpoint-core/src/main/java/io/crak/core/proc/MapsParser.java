package io.crak.core.proc;

import java.util.ArrayList;
import java.util.List;

/** Parses /proc/PID/maps (and /proc/PID/task/TID/maps) into {@link VmArea}s, in address order. */
public final class MapsParser {
    private static final String FILE = "maps";
    private static final String DELETED_SUFFIX = " (deleted)";
    /** The kernel escapes a newline in a mapped file's name as this octal sequence. */
    private static final String ESCAPED_NEWLINE = "\\012";

    private MapsParser() {}

    public static List<VmArea> parse(String text) {
        List<VmArea> areas = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                areas.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new MalformedProcFileException(FILE, "line " + lineNo + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(areas);
    }

    /** One line: {@code start-end perms offset major:minor inode [padding path]}. */
    static VmArea parseLine(String line) {
        Cursor c = new Cursor(line);
        String range = c.token();
        String perms = c.token();
        String offset = c.token();
        String dev = c.token();
        String inode = c.token();
        // The path is everything after the padding; it may itself contain spaces.
        String path = c.rest();

        int dash = range.indexOf('-');
        int colon = dev.indexOf(':');
        if (dash < 0 || colon < 0 || perms.length() != 4) {
            throw new IllegalArgumentException("not a maps line");
        }
        boolean deleted = path.endsWith(DELETED_SUFFIX);
        if (deleted) {
            path = path.substring(0, path.length() - DELETED_SUFFIX.length());
        }
        path = path.replace(ESCAPED_NEWLINE, "\n");
        return new VmArea(
                Long.parseUnsignedLong(range.substring(0, dash), 16),
                Long.parseUnsignedLong(range.substring(dash + 1), 16),
                flag(perms, 0, 'r'),
                flag(perms, 1, 'w'),
                flag(perms, 2, 'x'),
                sharing(perms.charAt(3)),
                Long.parseUnsignedLong(offset, 16),
                Integer.parseInt(dev.substring(0, colon), 16),
                Integer.parseInt(dev.substring(colon + 1), 16),
                Long.parseUnsignedLong(inode),
                path,
                deleted);
    }

    private static boolean flag(String perms, int index, char set) {
        char c = perms.charAt(index);
        if (c == set) {
            return true;
        }
        if (c == '-') {
            return false;
        }
        throw new IllegalArgumentException("permission '" + perms + "' position " + index + " is '" + c + "'");
    }

    private static boolean sharing(char c) {
        return switch (c) {
            case 's' -> true;
            case 'p' -> false;
            default -> throw new IllegalArgumentException("sharing flag '" + c + "' is neither s nor p");
        };
    }

    /** Splits a line on single spaces for the fixed fields, leaving the rest untouched. */
    private static final class Cursor {
        private final String line;
        private int pos;

        Cursor(String line) {
            this.line = line;
        }

        String token() {
            int end = line.indexOf(' ', pos);
            if (end < 0) {
                end = line.length();
            }
            if (end == pos) {
                throw new IllegalArgumentException("missing field at column " + pos);
            }
            String token = line.substring(pos, end);
            pos = Math.min(end + 1, line.length());
            return token;
        }

        String rest() {
            while (pos < line.length() && line.charAt(pos) == ' ') {
                pos++;
            }
            return line.substring(pos);
        }
    }
}
