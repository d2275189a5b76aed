package io.crak.core.memory;

import static io.crak.core.memory.MemoryDumper.PAGE_SIZE;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.crak.core.CrakException;
import io.crak.core.PhaseLog;
import io.crak.core.RestoreContext;
import io.crak.core.image.ImageFormat;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.UserfaultCalls;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a restored process's saved pages into its freshly made mappings, each run of pages the
 * cheapest way that works for it:
 * <ol>
 * <li>runs in writable private anonymous memory (heap, stacks, arenas: nearly all of a big job)
 *     are copied in by crak with UFFDIO_COPY ({@link UserfaultPages}) — from a read-only mapping
 *     of the pages file, split between threads, or from the buffer a stream is read into — so no
 *     page is zeroed first;
 * <li>other writable runs (private file mappings, shared memory) are populated with
 *     MADV_POPULATE_WRITE (one call instead of a fault per page) and read in place by the process
 *     itself with pread from the pages file;
 * <li>runs the process may not write (read-only, PROT_NONE), and runs of kind 2 when the pages come
 *     as a stream (a tar generation), are written by crak through /proc/PID/mem, which writes
 *     whatever the protection.
 * </ol>
 * Without a userfaultfd (kernel, seccomp) runs of kind 1 are handled as kind 2.
 */
final class PageFiller {
    private static final int COPY_CHUNK_BYTES = 4 << 20;
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int PROT_WRITE = 2;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    /** The most one injected pread is asked for (read(2) returns at most 0x7ffff000 bytes anyway). */
    private static final long PREAD_MAX_BYTES = 1L << 30;
    /** Below this much memory copied from a file, one thread is quicker than starting more. */
    private static final long PARALLEL_COPY_MIN_BYTES = 64L << 20;
    private static final int COPY_THREADS_MAX = 4;

    /** A run with where its bytes sit in the pages entry and how it is filled. */
    private record Placed(PageRun run, long offset, boolean byUffd, boolean writable) {
        long bytes() {
            return (long) run.pages() * PAGE_SIZE;
        }
    }

    private final RestoreContext ctx;
    private final RemoteSyscall r;
    private final String entry;

    private PageFiller(RestoreContext ctx, RemoteSyscall r) {
        this.ctx = ctx;
        this.r = r;
        this.entry = ImageFormat.pagesEntry(ctx.pid());
    }

    static void fill(RestoreContext ctx, RemoteSyscall r, MemoryImage mi) throws IOException, CrakException {
        new PageFiller(ctx, r).fill(mi);
    }

    private void fill(MemoryImage mi) throws IOException, CrakException {
        long t0 = System.nanoTime();
        try (UserfaultPages uffd = mi.runs().isEmpty() ? null : UserfaultPages.open(ctx, r)) {
            List<Placed> runs = place(mi, uffd != null);
            if (uffd != null) {
                registerTargets(uffd, mi, runs);
            }
            for (Placed p : runs) {
                if (!p.byUffd()) {
                    // best effort: a kernel without MADV_POPULATE_WRITE just faults during the copy
                    r.call(Syscalls.MADVISE, p.run().address(), p.bytes(), MADV_POPULATE_WRITE);
                }
            }
            PhaseLog.mark("populate pid " + ctx.pid(), t0);
            long t1 = System.nanoTime();
            Optional<Path> file = ctx.session.source.file(entry);
            if (file.isPresent()) {
                fromFile(uffd, runs, file.get());
                PhaseLog.mark("pages from file, pid " + ctx.pid(), t1);
            } else {
                fromStream(uffd, runs);
                PhaseLog.mark("pages from stream, pid " + ctx.pid(), t1);
            }
        }
    }

    private static List<Placed> place(MemoryImage mi, boolean uffd) {
        List<Placed> out = new ArrayList<>();
        long offset = 0;
        for (PageRun run : mi.runs()) {
            long bytes = (long) run.pages() * PAGE_SIZE;
            VmaImage v = containing(mi, run.address(), bytes);
            boolean writable = v != null ? (v.prot() & PROT_WRITE) != 0 : allWritable(mi, run.address(), bytes);
            boolean byUffd = uffd && writable && v != null && v.kind() == VmaImage.Kind.ANON;
            out.add(new Placed(run, offset, byUffd, writable));
            offset += bytes;
        }
        return out;
    }

    private static VmaImage containing(MemoryImage mi, long start, long bytes) {
        for (VmaImage v : mi.vmas()) {
            if (v.start() <= start && start + bytes <= v.end()) {
                return v;
            }
        }
        return null;
    }

    private static boolean allWritable(MemoryImage mi, long start, long bytes) {
        long end = start + bytes;
        for (VmaImage v : mi.vmas()) {
            if (v.start() < end && start < v.end() && (v.prot() & PROT_WRITE) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Registers every mapping a userfaultfd copy goes to, whole (no mapping is split for it). */
    private static void registerTargets(UserfaultPages uffd, MemoryImage mi, List<Placed> runs) throws CrakException {
        for (VmaImage v : mi.vmas()) {
            for (Placed p : runs) {
                if (p.byUffd() && v.start() <= p.run().address() && p.run().address() < v.end()) {
                    uffd.register(v.start(), v.size());
                    break;
                }
            }
        }
    }

    private void fromFile(UserfaultPages uffd, List<Placed> runs, Path file) throws IOException, CrakException {
        long total = runs.isEmpty() ? 0 : runs.get(runs.size() - 1).offset() + runs.get(runs.size() - 1).bytes();
        long size = Files.size(file);
        if (size != total) {
            throw new CrakException("image entry " + file + " holds " + size + " bytes, its page runs " + total
                    + ": it is " + (size < total ? "truncated" : "longer than its page runs"));
        }
        if (uffd != null) {
            copyMapped(uffd, runs, file);
        }
        insideOrByCrak(runs, file);
    }

    /**
     * UFFDIO_COPY of the runs that take it, each chunk from a read-only mapping of its part of the
     * pages file, unmapped once copied: crak never holds more of the file mapped than a chunk per
     * thread, so its resident size stays small whatever the size of the job.
     */
    private void copyMapped(UserfaultPages uffd, List<Placed> runs, Path file) throws IOException, CrakException {
        List<long[]> chunks = new ArrayList<>(); // {dst, file offset, bytes}
        long bytes = 0;
        for (Placed p : runs) {
            for (long done = 0; p.byUffd() && done < p.bytes(); done += COPY_CHUNK_BYTES) {
                long n = Math.min(COPY_CHUNK_BYTES, p.bytes() - done);
                chunks.add(new long[] {p.run().address() + done, p.offset() + done, n});
                bytes += n;
            }
        }
        if (chunks.isEmpty()) {
            return;
        }
        int fd;
        try {
            fd = FdCalls.open(file.toString(), FdCalls.O_RDONLY);
        } catch (NativeException e) {
            throw new CrakException("pid " + ctx.pid() + ": " + e.getMessage());
        }
        try {
            int threads = bytes < PARALLEL_COPY_MIN_BYTES ? 1
                    : Math.min(COPY_THREADS_MAX, Runtime.getRuntime().availableProcessors());
            copyChunks(uffd, chunks, fd, file, threads);
        } finally {
            FdCalls.close(fd);
        }
    }

    /** Copies the chunks with the given number of threads taking them in turn; the first failure wins. */
    private void copyChunks(UserfaultPages uffd, List<long[]> chunks, int fd, Path file, int threads)
            throws CrakException {
        AtomicInteger next = new AtomicInteger();
        CrakException[] failure = new CrakException[1];
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < chunks.size(); i = next.getAndIncrement()) {
                long[] c = chunks.get(i);
                long mapped = 0;
                try {
                    mapped = UserfaultCalls.mapReadOnly(fd, c[1], c[2], file.toString());
                    uffd.copy(c[0], mapped, c[2]);
                } catch (CrakException | NativeException e) {
                    synchronized (failure) {
                        failure[0] = failure[0] != null ? failure[0]
                                : e instanceof CrakException ce ? ce : new CrakException("pid " + ctx.pid() + ": " + e.getMessage());
                    }
                    next.set(chunks.size());
                } finally {
                    if (mapped != 0) {
                        UserfaultCalls.unmap(mapped, c[2]);
                    }
                }
            }
        };
        List<Thread> started = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            Thread th = new Thread(worker, "crak-page-copy-" + t);
            th.start();
            started.add(th);
        }
        worker.run();
        for (Thread th : started) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CrakException("interrupted while filling memory");
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /**
     * The runs userfaultfd did not take: pread by the process itself when it may write them and
     * can open the file (a mount only crak sees it cannot), else through /proc/PID/mem.
     */
    private void insideOrByCrak(List<Placed> runs, Path file) throws IOException, CrakException {
        long fd = -1;
        ByteBuffer buf = null;
        FileChannel ch = null; // opened only if crak copies a run itself
        try {
            for (Placed p : runs) {
                if (p.byUffd()) {
                    continue;
                }
                if (p.writable() && fd == -1) {
                    ctx.resetData();
                    fd = r.call(Syscalls.OPEN, ctx.putString(file.toString()), O_RDONLY | O_CLOEXEC);
                    fd = fd < 0 ? -2 : fd;
                }
                if (p.writable() && fd >= 0) {
                    preadInside(fd, file, p.run().address(), p.bytes(), p.offset());
                } else {
                    buf = buf != null ? buf : ByteBuffer.allocateDirect(COPY_CHUNK_BYTES);
                    ch = ch != null ? ch : FileChannel.open(file);
                    copyByCrak(ctx.memory(), ch, buf, file, p.run().address(), p.bytes(), p.offset());
                }
            }
        } finally {
            if (ch != null) {
                ch.close();
            }
            if (fd >= 0) {
                r.call(Syscalls.CLOSE, fd);
            }
        }
    }

    private void preadInside(long fd, Path file, long addr, long bytes, long offset) throws CrakException, IOException {
        while (bytes > 0) {
            long n = r.check("pread of " + file + " at " + offset + " into 0x" + Long.toHexString(addr),
                    Syscalls.PREAD64, fd, addr, Math.min(bytes, PREAD_MAX_BYTES), offset);
            if (n == 0) {
                throw new EOFException("image entry " + file + " is truncated at page 0x" + Long.toHexString(addr));
            }
            addr += n;
            offset += n;
            bytes -= n;
        }
    }

    private static void copyByCrak(ProcessMemory mem, FileChannel ch, ByteBuffer buf, Path file, long addr, long bytes,
            long offset) throws IOException {
        while (bytes > 0) {
            buf.clear().limit((int) Math.min(bytes, buf.capacity()));
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    throw new EOFException("image entry " + file + " is truncated at page 0x" + Long.toHexString(addr));
                }
            }
            buf.flip();
            int n = buf.remaining();
            mem.write(addr, buf);
            addr += n;
            offset += n;
            bytes -= n;
        }
    }

    /**
     * Pages from a sequential source (a tar generation, possibly compressed): read chunk by chunk
     * into one direct buffer, each chunk copied in with UFFDIO_COPY or written through /proc/PID/mem.
     */
    private void fromStream(UserfaultPages uffd, List<Placed> runs) throws IOException, CrakException {
        ProcessMemory mem = ctx.memory();
        ByteBuffer buf = ByteBuffer.allocateDirect(COPY_CHUNK_BYTES);
        long bufAddress = Pointer.nativeValue(Native.getDirectBufferPointer(buf));
        try (InputStream in = ctx.session.source.entry(entry)) {
            ReadableByteChannel ch = in instanceof ReadableByteChannel c ? c : Channels.newChannel(in);
            for (Placed p : runs) {
                long remaining = p.bytes();
                long addr = p.run().address();
                while (remaining > 0) {
                    int n = (int) Math.min(remaining, COPY_CHUNK_BYTES);
                    buf.clear().limit(n);
                    while (buf.hasRemaining()) {
                        if (ch.read(buf) < 0) {
                            throw new EOFException("image entry " + entry + " is truncated at page 0x" + Long.toHexString(addr));
                        }
                    }
                    buf.flip();
                    if (p.byUffd()) {
                        uffd.copy(addr, bufAddress, n);
                    } else {
                        mem.write(addr, buf);
                    }
                    addr += n;
                    remaining -= n;
                }
            }
            buf.clear().limit(1);
            if (ch.read(buf) > 0) {
                throw new CrakException("image entry " + entry + " is longer than its page runs");
            }
        }
    }
}
