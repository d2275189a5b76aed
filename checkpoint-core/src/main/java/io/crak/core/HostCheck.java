package io.crak.core;

import io.crak.core.freeze.FreezerProbe;
import io.crak.core.freeze.KmodFreezer;
import io.crak.core.proc.StatusParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code crak check} reports: kernel features the engine needs or can use, and freezers. */
public final class HostCheck {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_SYS_PTRACE = 19;
    private static final int CAP_CHECKPOINT_RESTORE = 40;
    private static final int MIN_MAJOR = 6;
    private static final int MIN_MINOR = 1;

    public record Item(String name, boolean ok, boolean required, String detail) {
    }

    public record Report(List<Item> items) {
        public boolean usable() {
            return items.stream().allMatch(i -> i.ok() || !i.required());
        }
    }

    private HostCheck() {
    }

    public static Report run() {
        List<Item> items = new ArrayList<>();
        String release = read("/proc/sys/kernel/osrelease");
        items.add(new Item("kernel", kernelOk(release), true, release + " (6.1 or newer needed)"));
        items.add(new Item("arch", "amd64".equals(System.getProperty("os.arch")), true,
                System.getProperty("os.arch") + " (x86-64 only)"));
        long caps = 0;
        try {
            caps = StatusParser.parse(Files.readString(Path.of("/proc/self/status"))).capEff();
        } catch (IOException | RuntimeException e) {
            // reported as missing below
        }
        items.add(new Item("CAP_SYS_PTRACE", bit(caps, CAP_SYS_PTRACE), true, "to seize processes of other users"));
        boolean cr = bit(caps, CAP_CHECKPOINT_RESTORE) || bit(caps, CAP_SYS_ADMIN);
        items.add(new Item("CAP_CHECKPOINT_RESTORE", cr, true, "clone3 set_tid and PR_SET_MM_MAP (or CAP_SYS_ADMIN)"));
        items.add(new Item("CONFIG_CHECKPOINT_RESTORE", Files.exists(Path.of("/proc/self/map_files")), true,
                "/proc/PID/map_files, PR_SET_MM_MAP, kcmp"));
        items.add(new Item("ptrace", !"3".equals(read("/proc/sys/kernel/yama/ptrace_scope")), true,
                "yama ptrace_scope " + orNone(read("/proc/sys/kernel/yama/ptrace_scope"))));
        items.add(new Item("pagemap", Files.isReadable(Path.of("/proc/self/pagemap")), true,
                "skip never-touched pages"));
        items.add(new Item("soft-dirty", false, false,
                "not used: incremental checkpoints compare page contents"));
        items.add(new Item("userfaultfd", Files.exists(Path.of("/proc/sys/vm/unprivileged_userfaultfd")), false,
                "restore fills memory with UFFDIO_COPY (else populate and copy, slower)"));
        items.add(new Item("freezer kmod", KmodFreezer.present(), false, KmodFreezer.DEVICE.toString()));
        for (FreezerProbe.Result r : new FreezerProbe().probe()) {
            items.add(new Item("freezer " + r.kind().name().toLowerCase().replace('_', ' '), r.usable(), false, r.reason()));
        }
        items.add(new Item("freezer ptrace", true, false, "always present (fallback)"));
        return new Report(items);
    }

    static boolean kernelOk(String release) {
        try {
            String[] p = release.split("[.-]");
            int major = Integer.parseInt(p[0]);
            int minor = Integer.parseInt(p[1]);
            return major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean bit(long mask, int bit) {
        return (mask >>> bit & 1) != 0;
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "absent" : s;
    }
}
