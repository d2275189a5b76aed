package io.crak.core.sysvipc;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SysvIpcCalls;
import io.crak.core.jna.SysvIpcCalls.Kind;
import io.crak.core.proc.MapsParser;
import io.crak.core.proc.VmArea;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Captures the SysV IPC objects of the job, once per dump, with the tree's root. The objects live
 * in the IPC namespace, not in a process, so which are the job's is told by the pids the kernel
 * keeps: a segment created by a process of the tree or attached in one, a semaphore set whose
 * last operation (or SETALL/SETVAL) came from one, a queue last written or read by one.
 * Contents are read by crak itself (a read-only attach, semctl GETALL, msgrcv MSG_COPY).
 *
 * <p>When the dump kills the job, its objects are removed too (they are in the image), so that
 * the restore can create them again with their ids.
 */
public final class SysvIpcDumper implements Resource.Dumper {
    private static final long PAGE_BYTES = 4096;
    /** In the mode of a segment: IPC_RMID was done while attached (linux/shm.h). */
    private static final int SHM_DEST = 01000;
    private static final Path MSGMAX = Path.of("/proc/sys/kernel/msgmax");

    @Override
    public void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException {
        Set<Integer> tree = ctx.session.treePids;
        if (tree.isEmpty() || ctx.pid() != tree.iterator().next()) {
            return;
        }
        Map<Integer, VmArea> attached = attachedSegments(ctx, tree);
        SysvIpcImage img = new SysvIpcImage();
        try {
            for (Map<String, String> row : SysvIpcTable.read("shm")) {
                int id = SysvIpcTable.num(row, "shmid");
                long size = Long.parseLong(row.get("size"));
                VmArea v = attached.get(id);
                if (!tree.contains(SysvIpcTable.num(row, "cpid")) && v == null) {
                    continue;
                }
                if (size > Integer.MAX_VALUE) {
                    throw new CrakException("pid " + ctx.pid() + ": SysV shm id " + id + " of " + size
                            + " bytes is larger than crak copies (2 GiB), not supported");
                }
                byte[] contents = SysvIpcCalls.readSegment(id, (int) size);
                boolean removed = (Integer.parseInt(row.get("perms"), 8) & SHM_DEST) != 0;
                img.segments.add(new SysvIpcImage.Segment(id, SysvIpcTable.owner(row), size, contents, removed));
            }
            for (Map<String, String> row : SysvIpcTable.read("sem")) {
                int id = SysvIpcTable.num(row, "semid");
                int nsems = SysvIpcTable.num(row, "nsems");
                boolean ours = false;
                for (int i = 0; i < nsems && !ours; i++) {
                    ours = tree.contains(SysvIpcCalls.semLastPid(id, i));
                }
                if (ours) {
                    img.semaphoreSets.add(new SysvIpcImage.SemaphoreSet(id, SysvIpcTable.owner(row),
                            SysvIpcCalls.semValues(id, nsems)));
                }
            }
            int msgmax = sysctl(MSGMAX);
            for (Map<String, String> row : SysvIpcTable.read("msg")) {
                int id = SysvIpcTable.num(row, "msqid");
                if (!tree.contains(SysvIpcTable.num(row, "lspid")) && !tree.contains(SysvIpcTable.num(row, "lrpid"))) {
                    continue;
                }
                List<SysvIpcImage.Message> messages = new ArrayList<>();
                for (int i = 0; i < SysvIpcTable.num(row, "qnum"); i++) {
                    SysvIpcCalls.Message m = SysvIpcCalls.copyMessage(id, i, msgmax);
                    messages.add(new SysvIpcImage.Message(m.type(), m.text()));
                }
                img.messageQueues.add(new SysvIpcImage.MessageQueue(id, SysvIpcTable.owner(row), messages));
            }
        } catch (NativeException e) {
            throw new CrakException("pid " + ctx.pid() + ": " + e.getMessage(), e);
        }
        for (SysvIpcImage.Segment s : img.segments) {
            VmArea v = attached.get(s.id());
            if (v != null && (v.offset() != 0 || v.size() != (s.size() + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES)) {
                throw new CrakException("pid " + ctx.pid() + ": SysV shm id " + s.id() + " is mapped only in part ("
                        + v.range() + "), not supported");
            }
        }
        if (img.segments.isEmpty() && img.semaphoreSets.isEmpty() && img.messageQueues.isEmpty()) {
            return;
        }
        image.sysvIpc = img;
        ctx.session.beforeRelease.add(killed -> {
            if (killed) {
                removeAll(img);
            }
        });
    }

    /**
     * A /proc/sys integer, read in one read(): the kernel answers a read at a non-zero offset with
     * end of file, so the byte-by-byte start of Files.readString would see only the first digit.
     */
    private static int sysctl(Path p) throws IOException {
        byte[] b = new byte[64];
        int n;
        try (var in = Files.newInputStream(p)) {
            n = in.read(b);
        }
        return Integer.parseInt(new String(b, 0, Math.max(n, 0)).strip());
    }

    /** SysV segments mapped by processes of the tree, by id (the inode of a /SYSV mapping is the shm id). */
    private static Map<Integer, VmArea> attachedSegments(DumpContext ctx, Set<Integer> tree)
            throws CrakException, IOException {
        Map<Integer, VmArea> attached = new HashMap<>();
        for (int pid : tree) {
            for (VmArea v : MapsParser.parse(ctx.proc.read(pid, "maps"))) {
                if (v.path().startsWith("/SYSV")) {
                    VmArea earlier = attached.putIfAbsent((int) v.inode(), v);
                    if (earlier != null && earlier.size() != v.size()) {
                        throw new CrakException("pid " + pid + ": SysV shm id " + v.inode() + " is mapped only in part ("
                                + v.range() + "), not supported");
                    }
                }
            }
        }
        return attached;
    }

    private static void removeAll(SysvIpcImage img) {
        List<Runnable> removals = new ArrayList<>();
        img.segments.forEach(s -> removals.add(() -> remove(Kind.SHM, s.id())));
        img.semaphoreSets.forEach(s -> removals.add(() -> remove(Kind.SEM, s.id())));
        img.messageQueues.forEach(q -> removals.add(() -> remove(Kind.MSG, q.id())));
        removals.forEach(Runnable::run);
    }

    private static void remove(Kind kind, int id) {
        try {
            SysvIpcCalls.remove(kind, id);
        } catch (NativeException e) {
            System.err.println("crak: removing the killed job's " + kind.what + " " + id + " failed: " + e.getMessage());
        }
    }
}
