package io.crak.core.proc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses /proc/PID/fdinfo/FD. */
public final class FdInfoParser {
    private static final String FILE = "fdinfo";
    private static final Pattern PAIR = Pattern.compile("([A-Za-z_-]+):\\s*(\\S+)");
    /** "(seconds, nanoseconds)" as timerfd prints it_value and it_interval. */
    private static final Pattern TIMESPEC = Pattern.compile("\\(\\s*(\\d+),\\s*(\\d+)\\)");
    private static final long UNKNOWN_INODE = -1;

    private FdInfoParser() {}

    public static FdInfo parse(String text) {
        Long pos = null;
        Integer flags = null;
        int mntId = 0;
        long ino = UNKNOWN_INODE;
        List<FdInfoLine> lines = new ArrayList<>();
        try {
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String key = line.substring(0, colon);
                String value = line.substring(colon + 1).strip();
                switch (key) {
                    case "pos" -> pos = Long.parseLong(value);
                    case "flags" -> flags = Integer.parseUnsignedInt(value, 8);
                    case "mnt_id" -> mntId = Integer.parseInt(value);
                    case "ino" -> ino = Long.parseUnsignedLong(value);
                    default -> lines.add(new FdInfoLine(key, value));
                }
            }
        } catch (NumberFormatException e) {
            throw new MalformedProcFileException(FILE, "bad number: " + e.getMessage(), e);
        }
        if (pos == null || flags == null) {
            throw new MalformedProcFileException(FILE, "no pos: or flags: line");
        }
        return new FdInfo(pos, flags, mntId, ino, lines);
    }

    static List<EpollTarget> epollTargets(List<FdInfoLine> lines) {
        List<EpollTarget> out = new ArrayList<>();
        for (FdInfoLine line : lines) {
            if (line.key().equals("tfd")) {
                Map<String, String> p = pairs("tfd: " + line.value());
                out.add(new EpollTarget(
                        Integer.parseInt(need(p, "tfd", line)),
                        Integer.parseUnsignedInt(need(p, "events", line), 16),
                        Long.parseUnsignedLong(need(p, "data", line), 16),
                        Long.parseLong(p.getOrDefault("pos", "0")),
                        Long.parseUnsignedLong(p.getOrDefault("ino", "0"), 16),
                        Long.parseUnsignedLong(p.getOrDefault("sdev", "0"), 16)));
            }
        }
        return List.copyOf(out);
    }

    static List<InotifyWatch> inotifyWatches(List<FdInfoLine> lines) {
        List<InotifyWatch> out = new ArrayList<>();
        for (FdInfoLine line : lines) {
            // The key is "inotify wd" because the line reads "inotify wd:1 ino:...".
            if (line.key().equals("inotify wd")) {
                Map<String, String> p = pairs("wd:" + line.value());
                String handle = p.getOrDefault("f_handle", "");
                out.add(new InotifyWatch(
                        Integer.parseInt(need(p, "wd", line)),
                        Long.parseUnsignedLong(need(p, "ino", line), 16),
                        Long.parseUnsignedLong(need(p, "sdev", line), 16),
                        Integer.parseUnsignedInt(need(p, "mask", line), 16),
                        Integer.parseUnsignedInt(p.getOrDefault("ignored_mask", "0"), 16),
                        Integer.parseInt(p.getOrDefault("fhandle-type", "0")),
                        HexFormat.of().parseHex(handle)));
            }
        }
        return List.copyOf(out);
    }

    static Optional<TimerFdState> timerfd(FdInfo info) {
        Optional<String> clock = info.value("clockid");
        if (clock.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TimerFdState(
                Integer.parseInt(clock.get()),
                Long.parseUnsignedLong(info.value("ticks").orElse("0")),
                Integer.parseUnsignedInt(info.value("settime flags").orElse("0"), 8),
                timespec(info.value("it_value").orElse("(0, 0)")),
                timespec(info.value("it_interval").orElse("(0, 0)"))));
    }

    private static Duration timespec(String text) {
        Matcher m = TIMESPEC.matcher(text);
        if (!m.matches()) {
            throw new MalformedProcFileException(FILE, "timespec '" + text + "' is not (sec, nsec)");
        }
        return Duration.ofSeconds(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** "a: 1 b:2  c: 3" -> {a=1, b=2, c=3}. */
    private static Map<String, String> pairs(String text) {
        Map<String, String> out = new HashMap<>();
        Matcher m = PAIR.matcher(text);
        while (m.find()) {
            out.putIfAbsent(m.group(1), m.group(2));
        }
        return out;
    }

    private static String need(Map<String, String> pairs, String key, FdInfoLine line) {
        String v = pairs.get(key);
        if (v == null) {
            throw new MalformedProcFileException(FILE, "'" + line.key() + ": " + line.value() + "' lacks " + key + ":");
        }
        return v;
    }
}
