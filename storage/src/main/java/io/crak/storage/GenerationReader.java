package io.crak.storage;

import io.crak.core.image.ImageSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Reads the entries of a generation, resolving its incremental chain: bytes an incremental
 * generation does not hold come from its parent at the same offset, and so on down to the full
 * generation. Every generation of the chain is read strictly forward, so a restore streams each
 * archive once and memory stays bounded. Entries are meant to be read in the order they were
 * written (as {@link ImageSource} promises); another order works but re-reads archives.
 */
public final class GenerationReader implements ImageSource {
    private final List<ArchiveCursor> chain = new ArrayList<>();
    private EntryStream current;

    /** {@code chain.get(0)} is the generation to read, each next one the parent of the previous. */
    GenerationReader(List<Generation> generations) {
        for (Generation g : generations) {
            chain.add(new ArchiveCursor(g));
        }
    }

    public Generation generation() {
        return chain.get(0).generation();
    }

    /** Entry names in the order they were written. */
    public List<String> entryNames() {
        return generation().manifest().entries().stream().map(Manifest.Entry::name).toList();
    }

    @Override
    public InputStream entry(String name) throws IOException {
        Manifest.Entry e = chain.get(0).entry(name);
        if (e == null) {
            throw new FileNotFoundException(describe() + " lacks entry " + name);
        }
        if (current != null) {
            current.closed = true;
        }
        current = new EntryStream(new Level(0, e));
        return current;
    }

    @Override
    public String describe() {
        Generation g = generation();
        return "job " + g.job() + " generation " + g.number() + " (" + g.dir() + ")";
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (ArchiveCursor c : chain) {
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** One entry as seen by one generation of the chain. */
    private final class Level {
        private final int depth;
        private final ArchiveCursor cursor;
        private final Manifest.Entry entry;
        private int membersLeft;
        private boolean inMember;
        private long memberStart;
        private long memberEnd;
        private long memberPos;
        private long previousEnd;
        private Level parent;

        Level(int depth, Manifest.Entry entry) throws IOException {
            this.depth = depth;
            this.cursor = chain.get(depth);
            this.entry = entry;
            this.membersLeft = entry.members();
            if (membersLeft > 0) {
                cursor.seek(entry.name());
            }
        }

        /** Reads up to {@code len} bytes at entry offset {@code pos}; offsets only move forward. */
        int read(long pos, byte[] b, int off, int len) throws IOException {
            while (true) {
                if (!inMember && membersLeft > 0) {
                    loadMember();
                }
                if (inMember && memberEnd <= pos) {
                    inMember = false;
                    if (membersLeft > 0) {
                        continue;
                    }
                }
                break;
            }
            if (inMember && memberStart <= pos) {
                if (pos > memberPos) {
                    cursor.skip(pos - memberPos);
                    memberPos = pos;
                }
                int n = cursor.read(b, off, (int) Math.min(len, memberEnd - pos));
                if (n < 0) {
                    throw new StorageException(cursor.describe() + ": member of entry " + entry.name()
                            + " ends at " + memberPos + ", expected " + memberEnd);
                }
                memberPos += n;
                return n;
            }
            long gapEnd = inMember ? memberStart : entry.size();
            return parent(pos, gapEnd).read(pos, b, off, (int) Math.min(len, gapEnd - pos));
        }

        private void loadMember() throws IOException {
            TarArchiveEntry m = cursor.nextMember();
            membersLeft--;
            String name = m.getName();
            long start;
            if (name.equals(entry.name())) {
                start = 0;
            } else if (name.startsWith(entry.name() + EntryName.SEGMENT_SEPARATOR)) {
                try {
                    start = Long.parseLong(name.substring(entry.name().length() + 1));
                } catch (NumberFormatException e) {
                    throw new StorageException(cursor.describe() + ": member " + name + " has a malformed offset");
                }
            } else {
                throw new StorageException(cursor.describe() + ": member " + name + " found where entry "
                        + entry.name() + " was expected");
            }
            long end = start + m.getSize();
            if (start < previousEnd || end > entry.size() || start % GenerationWriter.BLOCK_BYTES != 0) {
                throw new StorageException(cursor.describe() + ": member " + name + " covers bytes " + start + ".."
                        + end + ", outside entry " + entry.name() + " of " + entry.size() + " bytes or out of order");
            }
            previousEnd = end;
            memberStart = start;
            memberEnd = end;
            memberPos = start;
            inMember = true;
        }

        private Level parent(long pos, long gapEnd) throws IOException {
            if (parent == null) {
                Manifest.Entry inParent = depth + 1 < chain.size() ? chain.get(depth + 1).entry(entry.name()) : null;
                if (inParent == null || inParent.size() < gapEnd) {
                    throw new StorageException(cursor.describe() + ": entry " + entry.name() + " bytes " + pos + ".."
                            + gapEnd + " are neither stored here nor in a parent generation");
                }
                parent = new Level(depth + 1, inParent);
            }
            return parent;
        }
    }

    private static final class EntryStream extends InputStream {
        private final Level top;
        private final long size;
        private long pos;
        private boolean closed;

        EntryStream(Level top) {
            this.top = top;
            this.size = top.entry.size();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("entry " + top.entry.name() + " was closed or another entry was opened");
            }
            if (len == 0) {
                return 0;
            }
            if (pos >= size) {
                return -1;
            }
            int n = top.read(pos, b, off, (int) Math.min(len, size - pos));
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long s = Math.max(0, Math.min(n, size - pos));
            pos += s;
            return s;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, size - pos);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
