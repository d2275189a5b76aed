package io.crak.core.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PagemapEntryTest {
    @Test
    void touchedPageIsPresentAndUntouchedPageIsNot() {
        PagemapEntry[] e = PagemapEntry.decodeAll(ProcFixtures.bytes("oddities/pagemap-named"));
        assertEquals(2, e.length);
        assertTrue(e[0].present() && e[0].populated());
        assertTrue(e[0].exclusive());
        assertFalse(e[0].fileOrSharedAnon());
        assertTrue(e[0].pfn() > 0); // captured as root, so the pfn is visible
        assertFalse(e[1].populated());
        assertEquals(0, e[1].pfn());
    }

    @Test
    void decodesEveryFlagBit() {
        PagemapEntry swapped = PagemapEntry.decode((1L << 62) | (1L << 55) | (1234L << 5) | 3);
        assertTrue(swapped.swapped() && swapped.softDirty() && swapped.populated());
        assertFalse(swapped.present());
        assertEquals(3, swapped.swapType());
        assertEquals(1234, swapped.swapOffset());
        assertEquals(0, swapped.pfn());

        PagemapEntry file = PagemapEntry.decode((1L << 63) | (1L << 61) | ((1L << 55) - 1));
        assertTrue(file.present() && file.fileOrSharedAnon());
        assertFalse(file.exclusive() || file.softDirty() || file.swapped());
        assertEquals((1L << 55) - 1, file.pfn());
    }

    @Test
    void rejectsAPartialEntry() {
        assertThrows(MalformedProcFileException.class, () -> PagemapEntry.decodeAll(new byte[12]));
    }
}
