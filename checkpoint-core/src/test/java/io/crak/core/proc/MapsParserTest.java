package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MapsParserTest {
    private static VmArea only(List<VmArea> areas, String pathSuffix) {
        List<VmArea> found = areas.stream().filter(a -> a.path().endsWith(pathSuffix)).toList();
        assertEquals(1, found.size(), "areas ending in " + pathSuffix + ": " + found);
        return found.get(0);
    }

    @Test
    void parsesEveryLineOfARealProcessInAddressOrder() {
        String text = ProcFixtures.text("oddities/maps");
        List<VmArea> areas = MapsParser.parse(text);
        assertEquals(text.strip().split("\n").length, areas.size());
        for (int i = 1; i < areas.size(); i++) {
            assertTrue(Long.compareUnsigned(areas.get(i - 1).end(), areas.get(i).start()) <= 0, "order at " + i);
        }
    }

    @Test
    void keepsSpacesInPathsAndSplitsOffTheDeletedSuffix() {
        List<VmArea> areas = MapsParser.parse(ProcFixtures.text("oddities/maps"));
        VmArea spaced = only(areas, "/crak fixture/with space.bin");
        assertTrue(spaced.shared());
        assertTrue(spaced.read() && spaced.write() && !spaced.exec());
        assertFalse(spaced.deleted());
        assertTrue(spaced.isFileBacked());
        assertEquals(8192, spaced.size());

        VmArea deleted = only(areas, "/crak fixture/deleted.bin");
        assertTrue(deleted.deleted());
        assertFalse(deleted.shared());
        assertTrue(deleted.inode() > 0);
        assertTrue(deleted.name().endsWith("deleted.bin (deleted)"));

        VmArea memfd = only(areas, "/memfd:crak-memfd");
        assertTrue(memfd.deleted() && memfd.shared() && memfd.isFileBacked());
    }

    @Test
    void recognisesSharedAnonymousAndSpecialAreas() {
        List<VmArea> areas = MapsParser.parse(ProcFixtures.text("oddities/maps"));
        VmArea shanon = only(areas, "/dev/zero");
        assertTrue(shanon.isSharedAnonymous());
        assertFalse(shanon.isAnonymous());

        VmArea heap = only(areas, "[heap]");
        assertTrue(heap.isSpecial() && !heap.isFileBacked());
        assertTrue(only(areas, "[stack]").isSpecial());
        assertTrue(only(areas, "[vvar_vclock]").isSpecial());
        assertTrue(only(areas, "[vdso]").exec());

        VmArea vsyscall = only(areas, "[vsyscall]");
        assertEquals(0xffffffffff600000L, vsyscall.start());
        assertEquals(4096, vsyscall.size());
        assertTrue(vsyscall.contains(0xffffffffff600800L));

        long anonymous = areas.stream().filter(VmArea::isAnonymous).count();
        assertTrue(anonymous > 0);
        areas.stream().filter(VmArea::isAnonymous).forEach(a -> {
            assertEquals(0, a.inode());
            assertEquals("anonymous", a.name());
        });
    }

    @Test
    void decodesDeviceOffsetAndInodeOfALibrary() {
        List<VmArea> areas = MapsParser.parse(ProcFixtures.text("java/maps"));
        VmArea text = areas.stream()
                .filter(a -> a.path().endsWith("/libjvm.so") && a.exec())
                .findFirst().orElseThrow();
        assertTrue(text.offset() > 0 && text.offset() % 4096 == 0);
        assertTrue(text.devMajor() > 0 || text.devMinor() > 0);
        assertTrue(text.inode() > 0);
    }

    @Test
    void handlesEdgeCasesOfHandWrittenLines() {
        List<VmArea> areas = MapsParser.parse(
                "00400000-00401000 r-xp 00000000 08:01 42                         /a b (deleted)/c d (deleted)\n"
                + "00401000-00402000 rw-s 00001000 103:0a 43 /x\\012y\n"
                + "00402000-00403000 ---p 00000000 00:00 0 \n");
        assertEquals("/a b (deleted)/c d", areas.get(0).path());
        assertTrue(areas.get(0).deleted());
        assertEquals(0x103, areas.get(1).devMajor());
        assertEquals(0x0a, areas.get(1).devMinor());
        assertEquals("/x\ny", areas.get(1).path());
        assertEquals("", areas.get(2).path());
        assertFalse(areas.get(2).read() || areas.get(2).write() || areas.get(2).exec());
    }

    @Test
    void rejectsMalformedLinesNamingTheLine() {
        MalformedProcFileException e = assertThrows(MalformedProcFileException.class,
                () -> MapsParser.parse("00400000-00401000 r-xp 00000000 08:01 42 /ok\n00401000 rwzp 0 0:0 0\n"));
        assertTrue(e.getMessage().startsWith("maps: line 2 "), e.getMessage());
    }

    @Test
    void parsesTheLiveMapsOfThisJvm() throws Exception {
        List<VmArea> areas = MapsParser.parse(new ProcFiles().read((int) ProcessHandle.current().pid(), "maps"));
        assertTrue(areas.stream().anyMatch(a -> a.path().equals("[stack]")));
        assertTrue(areas.stream().anyMatch(a -> a.path().endsWith("libjvm.so")));
    }
}
