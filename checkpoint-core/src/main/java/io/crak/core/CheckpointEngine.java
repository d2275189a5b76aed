package io.crak.core;

import io.crak.core.freeze.Freezer;
import io.crak.core.freeze.Freezers;
import io.crak.core.image.ImageCommit;
import io.crak.core.image.ImageFormat;
import io.crak.core.image.ImageSink;
import io.crak.core.image.ImageSource;
import io.crak.core.image.Inventory;
import io.crak.core.image.ProcessImage;
import io.crak.core.memory.MemoryDumper;
import io.crak.core.proc.ProcFiles;
import io.crak.core.ptrace.SeizedProcess;
import io.crak.core.ptrace.SeizedTree;
import io.crak.core.ptrace.Seizer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dump and restore of a whole process tree. Both run entirely on the calling thread: ptrace
 * requests must come from the thread that attached.
 */
public final class CheckpointEngine {
    /** How long a freezer may take to bring the whole tree to a stop. */
    public static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(10);

    /** Dumps and then commits by closing the sink. */
    public DumpResult dump(DumpRequest req, ImageSink sink) throws CrakException {
        return dump(req, sink, sink::close);
    }

    /**
     * Freezes the tree of {@code req.rootPid()}, writes its images to sink, calls commit, then
     * lets the tree continue ({@code leaveRunning}) or kills it. On any failure the tree continues
     * as before and the error names the pid, the resource and the reason.
     */
    public DumpResult dump(DumpRequest req, ImageSink sink, ImageCommit commit) throws CrakException {
        long t0 = System.nanoTime();
        long frozenAt = 0;
        long resumedAt = 0;
        SeizedTree tree = null;
        boolean committed = false;
        boolean released = false;
        Map<Integer, ProcessImage> images = new LinkedHashMap<>();
        DumpSession session = new DumpSession();
        session.dropExternalTcp = req.tcpClose();
        try (Freezer freezer = Freezers.open(req.freezer())) {
            try {
                freezer.freeze(req.rootPid(), FREEZE_TIMEOUT);
                frozenAt = System.nanoTime();
                PhaseLog.mark("freeze", t0);
                tree = new Seizer().seize(req.rootPid(), freezer::thaw);
                PhaseLog.mark("seize", frozenAt);
                long c0 = System.nanoTime();
                capture(tree, images, session);
                PhaseLog.mark("capture", c0);
                long w0 = System.nanoTime();
                writeImages(req.rootPid(), session, images, sink, req.includePaths());
                PhaseLog.mark("write", w0);
                if (req.leaveRunning()) {
                    session.runBeforeRelease(false);
                    tree.release(false);
                    released = true;
                    resumedAt = System.nanoTime();
                }
                commit.commit();
                committed = true;
            } catch (IOException e) {
                throw new CrakException("pid " + req.rootPid() + ": writing the images failed: " + e.getMessage(), e);
            } finally {
                if (session.netNamespace != null) {
                    session.netNamespace.close();
                }
                if (tree != null && !released) {
                    session.runBeforeRelease(committed && !req.leaveRunning());
                    tree.release(committed && !req.leaveRunning());
                    resumedAt = System.nanoTime();
                }
            }
            long threads = tree.threadCount();
            long bytes = images.values().stream().filter(p -> p.memory != null).mapToLong(p -> p.memory.pageBytes()).sum();
            return new DumpResult(req.rootPid(), List.copyOf(images.keySet()), (int) threads, bytes, freezer.kind(),
                    Duration.ofNanos(resumedAt - frozenAt), Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private static void capture(SeizedTree tree, Map<Integer, ProcessImage> images, DumpSession session)
            throws CrakException, IOException {
        session.treePids.addAll(tree.processes.keySet());
        ProcFiles proc = new ProcFiles();
        session.pids = io.crak.core.tree.PidNamespaceScan.scan(tree, proc);
        if (io.crak.core.netns.NetNamespaceScan.ownNamespace(tree, proc)) {
            int root = tree.processes.keySet().iterator().next();
            session.netNamespace = io.crak.core.netns.NetNamespace.of(root);
            session.netNamespaceImage = new Inventory.NetNamespaceImage(session.netNamespace.loopbackUp());
        }
        for (SeizedProcess p : tree.processes.values()) {
            ProcessImage img = new ProcessImage(session.pids.image(p.pid));
            images.put(p.pid, img);
            try (DumpContext ctx = new DumpContext(p, session, proc)) {
                if (!p.zombie) {
                    p.syscallInsn = KernelLayout.syscallInstruction(p.pid);
                }
                new io.crak.core.tree.TreeDumper().dump(ctx, img);
                if (p.zombie) {
                    continue;
                }
                for (Resource r : Resources.ORDER) {
                    r.dumper().dump(ctx, img);
                }
            }
        }
        MemoryDumper.addSharedRuns(session.sharedRegions, images);
    }

    /** images: by host pid, holding image pids. */
    private static void writeImages(int rootPid, DumpSession session, Map<Integer, ProcessImage> images, ImageSink sink,
            List<java.nio.file.Path> includePaths) throws IOException, CrakException {
        PidMap pids = session.pids;
        List<Integer> imagePids = images.values().stream().map(i -> i.pid).toList();
        Inventory inv = new Inventory(ImageFormat.VERSION, KernelLayout.release(), KernelLayout.hostname(),
                pids.image(rootPid), new ArrayList<>(imagePids), KernelLayout.hostVdsoLayout(), System.currentTimeMillis(),
                pids.isNamespaced(), session.netNamespaceImage);
        sink.write(ImageFormat.INVENTORY, ImageFormat.encode(inv));
        for (ProcessImage img : images.values()) {
            sink.write(ImageFormat.processEntry(img.pid), ImageFormat.encode(img));
        }
        // files.json and the contents of included and nameless files, before any page entry
        io.crak.core.unlinked.FileContentsWriter.write(includePaths, images, sink);
        for (Map.Entry<Integer, ProcessImage> e : images.entrySet()) {
            ProcessImage img = e.getValue();
            if (img.memory == null) {
                continue;
            }
            try (io.crak.core.ptrace.ProcessMemory mem = new io.crak.core.ptrace.ProcessMemory(e.getKey(), false);
                    OutputStream out = sink.entry(ImageFormat.pagesEntry(img.pid), img.memory.pageBytes())) {
                MemoryDumper.writePages(mem, img.memory, out);
            }
        }
    }

    /** Restores the tree held by source; see {@link TreeRestore}. */
    public RestoredTree restore(RestoreRequest req, ImageSource source) throws CrakException {
        return new TreeRestore(req, source).run();
    }
}
