package io.crak.core.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 64-bit entry of /proc/PID/pagemap (Documentation/admin-guide/mm/pagemap.rst), one per
 * virtual page, in host (little-endian) byte order. A page neither present nor swapped was never
 * touched (or was dropped) and needs no dumping.
 *
 * @param pfn page frame number (bits 0-54) when present and the reader has CAP_SYS_ADMIN, else 0
 * @param swapType swap type (bits 0-4) when swapped
 * @param swapOffset swap offset (bits 5-54) when swapped
 */
public record PagemapEntry(
        boolean present,
        boolean swapped,
        boolean fileOrSharedAnon,
        boolean exclusive,
        boolean softDirty,
        long pfn,
        int swapType,
        long swapOffset) {

    public static final int ENTRY_BYTES = Long.BYTES;
    private static final int PRESENT_BIT = 63;
    private static final int SWAPPED_BIT = 62;
    private static final int FILE_OR_SHARED_ANON_BIT = 61;
    private static final int EXCLUSIVE_BIT = 56;
    private static final int SOFT_DIRTY_BIT = 55;
    private static final long PFN_MASK = (1L << 55) - 1;
    private static final long SWAP_TYPE_MASK = (1L << 5) - 1;
    private static final int SWAP_OFFSET_SHIFT = 5;

    public static PagemapEntry decode(long raw) {
        boolean present = bit(raw, PRESENT_BIT);
        boolean swapped = bit(raw, SWAPPED_BIT);
        long low = raw & PFN_MASK;
        return new PagemapEntry(
                present,
                swapped,
                bit(raw, FILE_OR_SHARED_ANON_BIT),
                bit(raw, EXCLUSIVE_BIT),
                bit(raw, SOFT_DIRTY_BIT),
                present ? low : 0,
                swapped ? (int) (low & SWAP_TYPE_MASK) : 0,
                swapped ? low >>> SWAP_OFFSET_SHIFT : 0);
    }

    /** Decodes consecutive entries as read from pagemap at offset {@code (address / pageSize) * 8}. */
    public static PagemapEntry[] decodeAll(byte[] bytes) {
        if (bytes.length % ENTRY_BYTES != 0) {
            throw new MalformedProcFileException("pagemap", bytes.length + " bytes is not a multiple of 8");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        PagemapEntry[] out = new PagemapEntry[bytes.length / ENTRY_BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = decode(buf.getLong());
        }
        return out;
    }

    /** The page holds data worth saving: it is in RAM or in swap. */
    public boolean populated() {
        return present || swapped;
    }

    private static boolean bit(long raw, int bit) {
        return (raw >>> bit & 1) != 0;
    }
}
