package io.crak.core;

import io.crak.core.image.Inventory;
import io.crak.core.proc.MapsParser;
import io.crak.core.proc.VmArea;
import io.crak.core.ptrace.ProcessMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Facts about the running kernel that an image depends on: its release and its vdso layout. */
public final class KernelLayout {
    private static final List<String> VDSO_NAMES = List.of("[vvar]", "[vvar_vclock]", "[vdso]");

    private KernelLayout() {
    }

    public static String release() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    }

    public static String hostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    /** Sizes of the kernel's vdso block in a process's maps (this JVM's for the host's own layout). */
    public static List<Inventory.SpecialArea> vdsoLayout(List<VmArea> maps) {
        List<Inventory.SpecialArea> out = new ArrayList<>();
        for (VmArea v : maps) {
            if (VDSO_NAMES.contains(v.path())) {
                out.add(new Inventory.SpecialArea(v.path(), v.size()));
            }
        }
        return out;
    }

    public static List<Inventory.SpecialArea> hostVdsoLayout() throws IOException {
        return vdsoLayout(MapsParser.parse(Files.readString(Path.of("/proc/self/maps"))));
    }

    /** Address of a {@code syscall} instruction (0f 05) inside pid's vdso, for injection. */
    public static long syscallInstruction(int pid) throws IOException, CrakException {
        List<VmArea> maps = MapsParser.parse(Files.readString(Path.of("/proc", Integer.toString(pid), "maps")));
        for (VmArea v : maps) {
            if (v.path().equals("[vdso]")) {
                try (ProcessMemory mem = new ProcessMemory(pid, false)) {
                    byte[] text = mem.read(v.start(), (int) v.size());
                    for (int i = 0; i + 1 < text.length; i++) {
                        if (text[i] == 0x0f && text[i + 1] == 0x05) {
                            return v.start() + i;
                        }
                    }
                }
            }
        }
        throw new CrakException("pid " + pid + ": no syscall instruction found in its vdso (is it mapped?)");
    }
}
