package io.crak.storage;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A forward-only position in one generation's archive. Entries are found through the manifest
 * (which says how many members each entry has, in write order), so finding an entry only skips
 * forward; asking for an entry behind the position re-opens the archive (only happens when a
 * child generation wrote its entries in a different order than this one).
 */
final class ArchiveCursor implements AutoCloseable {
    private static final int READ_BUFFER_BYTES = 1 << 20;

    private final Generation generation;
    private final Path file;
    private final Map<String, Integer> ordinals = new HashMap<>();
    private final long[] firstMember;
    private TarArchiveInputStream tar;
    private long nextMember;

    ArchiveCursor(Generation generation) {
        this.generation = generation;
        this.file = generation.file(generation.manifest().archives().get(0).name());
        List<Manifest.Entry> entries = generation.manifest().entries();
        firstMember = new long[entries.size()];
        long members = 0;
        for (int i = 0; i < entries.size(); i++) {
            ordinals.put(entries.get(i).name(), i);
            firstMember[i] = members;
            members += entries.get(i).members();
        }
    }

    Generation generation() {
        return generation;
    }

    /** The entry's manifest record in this generation, or null. */
    Manifest.Entry entry(String name) {
        Integer i = ordinals.get(name);
        return i == null ? null : generation.manifest().entries().get(i);
    }

    /** Positions the cursor so that {@link #nextMember()} returns the first member of {@code name}. */
    void seek(String name) throws IOException {
        long target = firstMember[ordinals.get(name)];
        if (tar == null || nextMember > target) {
            reopen();
        }
        while (nextMember < target) {
            nextMember();
        }
    }

    TarArchiveEntry nextMember() throws IOException {
        TarArchiveEntry e = tar.getNextEntry();
        if (e == null) {
            throw new StorageException(describe() + ": archive ends before member " + nextMember);
        }
        nextMember++;
        return e;
    }

    int read(byte[] b, int off, int len) throws IOException {
        return tar.read(b, off, len);
    }

    void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = tar.skip(left);
            if (s <= 0) {
                if (tar.read() < 0) {
                    throw new StorageException(describe() + ": member ends " + left + " bytes early");
                }
                s = 1;
            }
            left -= s;
        }
    }

    String describe() {
        return "job " + generation.job() + " generation " + generation.number() + " archive " + file;
    }

    private void reopen() throws IOException {
        close();
        InputStream in = new BufferedInputStream(Files.newInputStream(file), READ_BUFFER_BYTES);
        try {
            if (Compression.parse(generation.manifest().compression()) == Compression.ZSTD) {
                in = new BufferedInputStream(new ZstdInputStreamNoFinalizer(in), READ_BUFFER_BYTES);
            }
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        tar = new TarArchiveInputStream(in, "UTF-8");
        nextMember = 0;
    }

    @Override
    public void close() throws IOException {
        if (tar != null) {
            tar.close();
            tar = null;
        }
    }
}
