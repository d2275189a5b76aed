package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoParserTest {
    @Test
    void parsesEveryMountAndUnescapesSpaces() {
        String text = ProcFixtures.text("self/mountinfo");
        List<MountInfo> mounts = MountInfoParser.parse(text);
        assertEquals(text.strip().split("\n").length, mounts.size());

        MountInfo tmpfs = mounts.stream().filter(m -> m.mountPoint().endsWith("/mnt point")).findFirst().orElseThrow();
        assertEquals("tmpfs", tmpfs.fsType());
        assertEquals("crak src", tmpfs.source());
        assertEquals("/", tmpfs.root());
        assertTrue(tmpfs.hasOption("rw"));
        assertTrue(tmpfs.hasSuperOption("size=1024k"));

        MountInfo cgroup2 = mounts.stream().filter(m -> m.fsType().equals("cgroup2")).findFirst().orElseThrow();
        assertEquals("/sys/fs/cgroup/unified", cgroup2.mountPoint());
        MountInfo freezer = mounts.stream().filter(m -> m.fsType().equals("cgroup") && m.hasSuperOption("freezer"))
                .findFirst().orElseThrow();
        assertTrue(freezer.mountPoint().endsWith("freezer"));
        assertTrue(mounts.stream().anyMatch(m -> m.mountId() == tmpfs.parentId()));
    }

    @Test
    void keepsOptionalFields() {
        MountInfo m = MountInfoParser.parseLine(
                "36 35 98:0 /mnt1 /mnt\\0402 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue");
        assertEquals(36, m.mountId());
        assertEquals(35, m.parentId());
        assertEquals(98, m.major());
        assertEquals(0, m.minor());
        assertEquals("/mnt 2", m.mountPoint());
        assertEquals(List.of("master:1", "shared:7"), m.optionalFields());
        assertEquals("ext3", m.fsType());
        assertEquals("rw,errors=continue", m.superOptions());
        assertEquals("a\\b\tc\\", MountInfoParser.unescape("a\\134b\\011c\\"));
    }

    @Test
    void rejectsALineWithoutSeparator() {
        assertThrows(MalformedProcFileException.class, () -> MountInfoParser.parseLine("1 2 0:1 / / rw ext4 x rw"));
    }
}
