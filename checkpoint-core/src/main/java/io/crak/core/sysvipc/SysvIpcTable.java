package io.crak.core.sysvipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of /proc/sysvipc/{shm,sem,msg} (ipc/shm.c sysvipc_shm_proc_show and friends): a header
 * line naming the columns, then one line per object, key in decimal and perms in octal.
 */
final class SysvIpcTable {
    static final Path DIR = Path.of("/proc/sysvipc");

    private SysvIpcTable() {
    }

    /** Each object as a column name to value map, in table order. */
    static List<Map<String, String>> read(String table) throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve(table));
        String[] header = lines.get(0).trim().split("\\s+");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length && i < f.length; i++) {
                row.put(header[i], f[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    static int num(Map<String, String> row, String column) {
        return Integer.parseInt(row.get(column));
    }

    static SysvIpcImage.Owner owner(Map<String, String> row) {
        return new SysvIpcImage.Owner(num(row, "key"), num(row, "uid"), num(row, "gid"),
                Integer.parseInt(row.get("perms"), 8) & 0777);
    }
}
