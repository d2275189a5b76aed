package io.crak.core.memory;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.proc.MapsParser;
import io.crak.core.proc.PagemapEntry;
import io.crak.core.proc.SmapsFlagsParser;
import io.crak.core.proc.ProcStat;
import io.crak.core.proc.StatParser;
import io.crak.core.proc.VmArea;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Captures the address space: every mapping, and the contents of the pages that hold data of
 * their own — populated pages of private anonymous memory, copied-on-write pages of private file
 * mappings, and touched pages of shared anonymous memory (once per object). Pages never touched
 * are not copied, and the contents of files stay in the files.
 */
public final class MemoryDumper implements Resource.Dumper {
    public static final int PAGE_SIZE = 4096;
    /** Pagemap entries read per pread (256 KiB of entries, covering 128 MiB of address space). */
    private static final int PAGEMAP_CHUNK_ENTRIES = 32768;
    /** Bytes of page contents copied per read of /proc/PID/mem. */
    private static final int COPY_CHUNK_BYTES = 4 << 20;
    private static final Set<String> VDSO_NAMES = Set.of("[vvar]", "[vvar_vclock]", "[vdso]");

    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        int pid = ctx.pid();
        List<VmArea> maps = MapsParser.parse(ctx.proc.read(pid, "maps"));
        ProcStat st = StatParser.parse(ctx.proc.read(pid, "stat"));
        long brk = ctx.leaderRemote().check("brk(0)", Syscalls.BRK, 0);
        List<VmaImage> vmas = new ArrayList<>();
        List<PageRun> runs = new ArrayList<>();
        try (FileChannel pagemap = FileChannel.open(ctx.proc.path(pid, "pagemap"), StandardOpenOption.READ)) {
            for (VmArea v : maps) {
                VmaImage vi = describe(pid, v);
                vmas.add(vi);
                switch (vi.kind()) {
                    case ANON -> selectPages(pagemap, v, e -> e.populated(), runs);
                    case FILE -> {
                        if (!v.shared()) {
                            // copied-on-write pages are anonymous: present (or swapped) without the file bit
                            selectPages(pagemap, v, e -> e.populated() && !e.fileOrSharedAnon(), runs);
                        }
                    }
                    case SHARED_ANON -> collectShared(ctx, v, pagemap);
                    default -> {
                    }
                }
            }
        }
        MmFields mm = new MmFields(st.startCode(), st.endCode(), st.startData(), st.endData(), st.startBrk(), brk,
                st.startStack(), st.argStart(), st.argEnd(), st.envStart(), st.envEnd());
        byte[] auxv = ctx.proc.readBytes(pid, "auxv");
        String exe = ctx.proc.readLink(pid, "exe");
        image.memory = new MemoryImage(vmas, runs, mm, auxv, exe, advice(ctx.proc.read(pid, "smaps"), vmas));
    }

    /** VmFlags codes (fs/proc/task_mmu.c) that stand for a madvise(2) advice, with that advice. */
    private static final Map<String, Integer> ADVICE = Map.of("dc", 10, "dd", 16, "wf", 18, "hg", 14, "nh", 15,
            "mg", 12, "sr", 2, "rr", 1);

    private static Map<Long, List<Integer>> advice(String smaps, List<VmaImage> vmas) {
        Map<Long, List<String>> flags = SmapsFlagsParser.parse(smaps);
        Map<Long, List<Integer>> out = new java.util.LinkedHashMap<>();
        for (VmaImage v : vmas) {
            if (v.kind() != VmaImage.Kind.ANON && v.kind() != VmaImage.Kind.FILE && v.kind() != VmaImage.Kind.SHARED_ANON) {
                continue;
            }
            List<Integer> a = flags.getOrDefault(v.start(), List.of()).stream().filter(ADVICE::containsKey)
                    .map(ADVICE::get).toList();
            if (!a.isEmpty()) {
                out.put(v.start(), a);
            }
        }
        return out;
    }

    private static VmaImage describe(int pid, VmArea v) throws CrakException, IOException {
        int prot = (v.read() ? 1 : 0) | (v.write() ? 2 : 0) | (v.exec() ? 4 : 0);
        VmaImage.Kind kind;
        long size = 0;
        long mtime = 0;
        String unlinked = null;
        if (v.path().equals("[vsyscall]")) {
            kind = VmaImage.Kind.VSYSCALL;
        } else if (VDSO_NAMES.contains(v.path())) {
            kind = VmaImage.Kind.VDSO;
        } else if (v.isSharedAnonymous()) {
            kind = VmaImage.Kind.SHARED_ANON;
        } else if (v.isAnonymous() || v.path().equals("[heap]") || v.path().equals("[stack]")) {
            kind = VmaImage.Kind.ANON;
        } else if (v.path().startsWith("/SYSV")) {
            kind = VmaImage.Kind.SYSV_SHM; // its contents are those of the segment (io.crak.core.sysvipc)
        } else if (v.isSpecial()) {
            throw new CrakException("pid " + pid + ": mapping " + v.range() + " " + v.path() + " is not supported");
        } else {
            if (v.path().startsWith("/dev/") && !v.path().startsWith("/dev/shm/")) {
                throw new CrakException("pid " + pid + ": mapping " + v.range() + " of " + v.path()
                        + " (device) is not supported yet");
            }
            kind = VmaImage.Kind.FILE;
            if (v.deleted()) {
                // its contents travel in the image (io.crak.core.unlinked), written by the engine
                unlinked = io.crak.core.unlinked.UnlinkedContent.entryName(v.devMajor(), v.devMinor(), v.inode());
            } else {
                try {
                    BasicFileAttributes a = Files.readAttributes(Path.of(v.path()), BasicFileAttributes.class);
                    size = a.size();
                    mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (NoSuchFileException e) {
                    throw new CrakException("pid " + pid + ": mapped file " + v.path() + " is not reachable from crak");
                }
            }
        }
        boolean growsDown = v.path().equals("[stack]");
        return new VmaImage(v.start(), v.end(), prot, v.shared(), growsDown, kind, v.offset(), v.path(), v.inode(),
                size, mtime, unlinked);
    }

    private interface PageFilter {
        boolean keep(PagemapEntry e);
    }

    private static void selectPages(FileChannel pagemap, VmArea v, PageFilter filter, List<PageRun> runs)
            throws IOException {
        long pages = v.size() / PAGE_SIZE;
        long runStart = -1;
        int runLen = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(PAGEMAP_CHUNK_ENTRIES * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long first = 0; first < pages; first += PAGEMAP_CHUNK_ENTRIES) {
            int n = (int) Math.min(PAGEMAP_CHUNK_ENTRIES, pages - first);
            buf.clear().limit(n * 8);
            long pos = (v.start() / PAGE_SIZE + first) * 8;
            while (buf.hasRemaining()) {
                if (pagemap.read(buf, pos + buf.position()) <= 0) {
                    throw new IOException("short read of pagemap at " + v.range());
                }
            }
            buf.flip();
            for (int i = 0; i < n; i++) {
                boolean keep = filter.keep(PagemapEntry.decode(buf.getLong()));
                long addr = v.start() + (first + i) * PAGE_SIZE;
                if (keep) {
                    if (runStart >= 0 && runStart + (long) runLen * PAGE_SIZE == addr) {
                        runLen++;
                    } else {
                        if (runStart >= 0) {
                            runs.add(new PageRun(runStart, runLen));
                        }
                        runStart = addr;
                        runLen = 1;
                    }
                }
            }
        }
        if (runStart >= 0) {
            runs.add(new PageRun(runStart, runLen));
        }
    }

    private static void collectShared(DumpContext ctx, VmArea v, FileChannel pagemap) throws IOException {
        long pgoff = v.offset() / PAGE_SIZE;
        SharedRegion region = ctx.session.sharedRegions.computeIfAbsent(v.inode(),
                k -> new SharedRegion(ctx.pid(), v.start(), pgoff, v.size() / PAGE_SIZE));
        List<PageRun> touched = new ArrayList<>();
        selectPages(pagemap, v, PagemapEntry::populated, touched);
        for (PageRun r : touched) {
            long first = pgoff + (r.address() - v.start()) / PAGE_SIZE;
            region.pages.set((int) first, (int) (first + r.pages()));
        }
    }

    /**
     * After every process was dumped: the pages of each shared anonymous object, touched through
     * any process, become runs of the owner's image (within the owner's window of the object).
     */
    public static void addSharedRuns(Map<Long, SharedRegion> regions, Map<Integer, ProcessImage> images) {
        for (SharedRegion r : regions.values()) {
            List<PageRun> runs = images.get(r.ownerPid).memory.runs();
            int from = (int) r.ownerPgoff;
            int to = (int) (r.ownerPgoff + r.pagesInOwner);
            for (int p = r.pages.nextSetBit(from); p >= 0 && p < to; p = r.pages.nextSetBit(p + 1)) {
                int end = Math.min(r.pages.nextClearBit(p), to);
                runs.add(new PageRun(r.ownerStart + (long) (p - from) * PAGE_SIZE, end - p));
                p = end;
            }
        }
    }

    /**
     * Streams the contents of the image's page runs from the process into out: through a direct
     * buffer straight to the channel when the sink offers one (no heap copy), else via the heap.
     */
    public static void writePages(ProcessMemory mem, MemoryImage image, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(COPY_CHUNK_BYTES);
        byte[] heap = out instanceof WritableByteChannel ? null : new byte[COPY_CHUNK_BYTES];
        for (PageRun r : image.runs()) {
            long remaining = (long) r.pages() * PAGE_SIZE;
            long addr = r.address();
            while (remaining > 0) {
                int n = (int) Math.min(remaining, COPY_CHUNK_BYTES);
                buf.clear().limit(n);
                mem.read(addr, buf);
                buf.flip();
                if (heap == null) {
                    ((WritableByteChannel) out).write(buf);
                } else {
                    buf.get(heap, 0, n);
                    out.write(heap, 0, n);
                }
                addr += n;
                remaining -= n;
            }
        }
    }
}
