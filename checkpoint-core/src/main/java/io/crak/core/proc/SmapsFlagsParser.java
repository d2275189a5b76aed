package io.crak.core.proc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code VmFlags} line of each area of /proc/PID/smaps: two-letter codes of the kernel's
 * vm_flags (show_smap_vma_flags in fs/proc/task_mmu.c), by area start address.
 */
public final class SmapsFlagsParser {
    private SmapsFlagsParser() {
    }

    public static Map<Long, List<String>> parse(String text) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        long current = -1;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHex(line, 0, dash) && isHex(line, dash + 1, space)) {
                current = Long.parseUnsignedLong(line.substring(0, dash), 16);
            } else if (line.startsWith("VmFlags:")) {
                if (current == -1) {
                    throw new MalformedProcFileException("smaps", "VmFlags before any area header");
                }
                out.put(current, List.of(line.substring("VmFlags:".length()).trim().split("\\s+")));
            }
        }
        return out;
    }

    private static boolean isHex(String s, int from, int to) {
        if (to <= from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
