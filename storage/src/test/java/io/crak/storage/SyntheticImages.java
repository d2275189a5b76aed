package io.crak.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.crak.core.image.ImageSink;
import io.crak.core.image.ImageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic stand-in for a dump: a few small metadata entries (odd sizes, a long name, an
 * empty one) then large "page" entries. {@code version} 0 is the base content; any other version
 * changes about {@code changedPercent}% of the 4 KiB blocks of every page entry, deterministically,
 * so a test can rebuild exactly what any generation should read back. Block contents mimic
 * process memory: mostly random bytes, some zero pages, some low-entropy data.
 */
final class SyntheticImages {
    static final int BLOCK = 4096;
    private static final int POOL_BYTES = 8 << 20;
    private static final byte[] POOL = pool();
    private static final int WRITE_CHUNK = 65_521; // deliberately not block-aligned

    final long base;
    final long version;
    final int pageEntries;
    final long pageEntryBytes;
    final int changedPercent;

    SyntheticImages(long base, long version, int pageEntries, long pageEntryBytes, int changedPercent) {
        this.base = base;
        this.version = version;
        this.pageEntries = pageEntries;
        this.pageEntryBytes = pageEntryBytes;
        this.changedPercent = changedPercent;
    }

    SyntheticImages withVersion(long v) {
        return new SyntheticImages(base, v, pageEntries, pageEntryBytes, changedPercent);
    }

    List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("inventory.json");
        n.add("empty.img");
        n.add("core/" + "very-long-directory-name-".repeat(8) + "tree.json");
        for (int i = 0; i < pageEntries; i++) {
            n.add("pages-" + i + ".img");
        }
        return n;
    }

    long size(int entry) {
        switch (entry) {
            case 0:
                return 1234 + version % 7;
            case 1:
                return 0;
            case 2:
                return 40_000;
            default:
                return pageEntryBytes + (entry - 3) * 777L;
        }
    }

    long totalBytes() {
        long t = 0;
        for (int i = 0; i < names().size(); i++) {
            t += size(i);
        }
        return t;
    }

    /** Fills {@code len} bytes of entry {@code entry} at {@code offset} (block-aligned chunks). */
    void fill(int entry, long offset, byte[] buf, int len) {
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            long block = pos / BLOCK;
            int inBlock = (int) (pos % BLOCK);
            int n = Math.min(len - done, BLOCK - inBlock);
            fillBlock(entry, block, inBlock, buf, done, n);
            done += n;
        }
    }

    private void fillBlock(int entry, long block, int from, byte[] buf, int off, int len) {
        boolean metadata = entry < 3;
        boolean changed = metadata
                ? version != 0
                : version != 0 && Math.floorMod(mix(base ^ 0x5bd1e995L, version, entry, block), 100) < changedPercent;
        long seed = mix(base, changed ? version : 0, entry, block);
        int kind = (int) Math.floorMod(seed >>> 7, 10);
        if (kind < 2) {
            Arrays.fill(buf, off, off + len, (byte) 0);
        } else if (kind < 4) {
            for (int i = 0; i < len; i++) {
                buf[off + i] = (byte) (((from + i) / 8 + seed) & 0x0f);
            }
        } else {
            int start = (int) Math.floorMod(seed, POOL_BYTES - BLOCK);
            System.arraycopy(POOL, start + from, buf, off, len);
        }
    }

    void writeTo(ImageSink sink) throws IOException {
        byte[] buf = new byte[WRITE_CHUNK];
        List<String> names = names();
        for (int i = 0; i < names.size(); i++) {
            long size = size(i);
            try (OutputStream out = sink.entry(names.get(i), size)) {
                for (long pos = 0; pos < size; ) {
                    int n = (int) Math.min(buf.length, size - pos);
                    fill(i, pos, buf, n);
                    out.write(buf, 0, n);
                    pos += n;
                }
            }
        }
    }

    /** Reads every entry back in write order and fails at the first differing byte. */
    void assertReadsBack(ImageSource source) throws IOException {
        List<String> names = names();
        for (int i = 0; i < names.size(); i++) {
            assertEntry(source, i);
        }
    }

    void assertEntry(ImageSource source, int i) throws IOException {
        String name = names().get(i);
        long size = size(i);
        byte[] expected = new byte[WRITE_CHUNK];
        byte[] actual = new byte[WRITE_CHUNK];
        try (InputStream in = source.entry(name)) {
            for (long pos = 0; pos < size; ) {
                int n = (int) Math.min(expected.length, size - pos);
                fill(i, pos, expected, n);
                int got = in.readNBytes(actual, 0, n);
                if (got != n) {
                    fail(source.describe() + " entry " + name + " ends at " + (pos + got) + ", expected " + size);
                }
                int mismatch = Arrays.mismatch(expected, 0, n, actual, 0, n);
                if (mismatch >= 0) {
                    fail(source.describe() + " entry " + name + " differs at byte " + (pos + mismatch));
                }
                pos += n;
            }
            assertEquals(-1, in.read(), name + " has bytes beyond its size");
        }
    }

    static long mix(long a, long b, long c, long d) {
        long h = a * 0x9E3779B97F4A7C15L;
        h ^= Long.rotateLeft(b * 0xC2B2AE3D27D4EB4FL, 17);
        h ^= Long.rotateLeft(c * 0x165667B19E3779F9L, 31);
        h ^= Long.rotateLeft(d * 0x85EBCA77C2B2AE63L, 47);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    private static byte[] pool() {
        byte[] p = new byte[POOL_BYTES];
        new SplittableRandom(42).nextBytes(p);
        return p;
    }
}
