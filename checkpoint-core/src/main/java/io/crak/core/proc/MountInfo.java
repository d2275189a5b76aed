package io.crak.core.proc;

import java.util.List;

/**
 * One line of /proc/PID/mountinfo (proc(5)). Paths are unescaped (the kernel writes space, tab,
 * newline and backslash as octal escapes).
 *
 * @param root the directory of the filesystem that forms the root of this mount
 * @param mountPoint where it is mounted, relative to the reading process's root
 * @param options per-mount options (rw, nosuid, relatime...)
 * @param optionalFields tagged fields such as {@code shared:1}, {@code master:2}
 * @param source filesystem-specific source, e.g. {@code /dev/sda1}, or "none"
 * @param superOptions per-superblock options
 */
public record MountInfo(
        int mountId,
        int parentId,
        int major,
        int minor,
        String root,
        String mountPoint,
        String options,
        List<String> optionalFields,
        String fsType,
        String source,
        String superOptions) {

    public MountInfo {
        optionalFields = List.copyOf(optionalFields);
    }

    public boolean hasOption(String option) {
        for (String o : options.split(",")) {
            if (o.equals(option)) {
                return true;
            }
        }
        return false;
    }

    public boolean hasSuperOption(String option) {
        for (String o : superOptions.split(",")) {
            if (o.equals(option)) {
                return true;
            }
        }
        return false;
    }
}
