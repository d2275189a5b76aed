package io.crak.core.memory;

import io.crak.core.CrakException;
import io.crak.core.RestoreContext;
import io.crak.core.Resource;
import io.crak.core.image.ProcessImage;
import io.crak.core.proc.MapsParser;
import io.crak.core.proc.VmArea;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.restore.RestoreArea;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces the restorer's own address space with the image's: unmaps everything but the restore
 * area, moves the kernel's vdso block to its old address, maps every area back, fills in the
 * saved pages ({@link PageFiller}), then sets the mm fields (brk, arg/env, auxv, exe) with PR_SET_MM_MAP.
 */
public final class MemoryRestorer implements Resource.Restorer {
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_GROWSDOWN = 0x100;
    private static final int MREMAP_MAYMOVE = 1;
    private static final int MREMAP_FIXED = 2;
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int PR_SET_MM = 35;
    private static final int PR_SET_MM_MAP = 14;
    private static final int PRCTL_MM_MAP_BYTES = 104;
    private static final int SHM_RDONLY = 010000;
    private static final int SHM_EXEC = 0100000;
    private static final int PROT_EXEC = 4;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        MemoryImage mi = image.memory;
        RestoreArea area = ctx.session.area;
        List<VmArea> current = MapsParser.parse(Files.readString(Path.of("/proc", Integer.toString(ctx.hostPid()), "maps")));
        List<VmArea> vdsoNow = new ArrayList<>();
        for (VmArea v : current) {
            if (v.start() == area.start() || v.path().equals("[vsyscall]")) {
                continue;
            }
            if (v.path().equals("[vvar]") || v.path().equals("[vvar_vclock]") || v.path().equals("[vdso]")) {
                vdsoNow.add(v);
                continue;
            }
            r.check("munmap of restorer area " + v.range(), Syscalls.MUNMAP, v.start(), v.size());
        }
        moveVdso(r, vdsoNow, mi, area);
        List<VmaImage> makeReadOnly = new ArrayList<>();
        for (VmaImage v : mi.vmas()) {
            switch (v.kind()) {
                case ANON -> r.check("mmap of " + v.describe(), Syscalls.MMAP, v.start(), v.size(), v.prot(),
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | (v.growsDown() ? MAP_GROWSDOWN : 0), -1, 0);
                case FILE -> mapFile(ctx, r, v);
                case SYSV_SHM -> r.check("shmat of SysV shm id " + v.inode() + " at " + v.describe(), Syscalls.SHMAT,
                        v.inode(), v.start(), ((v.prot() & PROT_WRITE) == 0 ? SHM_RDONLY : 0)
                                | ((v.prot() & PROT_EXEC) != 0 ? SHM_EXEC : 0));
                case SHARED_ANON -> {
                    mapShared(ctx, r, v);
                    if ((v.prot() & PROT_WRITE) == 0) {
                        makeReadOnly.add(v);
                    }
                }
                default -> {
                }
            }
        }
        PageFiller.fill(ctx, r, mi);
        for (VmaImage v : makeReadOnly) {
            r.check("mprotect of " + v.describe(), Syscalls.MPROTECT, v.start(), v.size(), v.prot());
        }
        for (Map.Entry<Long, List<Integer>> a : mi.advice().entrySet()) {
            VmaImage v = mi.vmas().stream().filter(x -> x.start() == a.getKey()).findFirst().orElseThrow();
            for (int advice : a.getValue()) {
                r.check("madvise(" + advice + ") of " + v.describe(), Syscalls.MADVISE, v.start(), v.size(), advice);
            }
        }
        setMmFields(ctx, r, mi);
    }

    private static void moveVdso(RemoteSyscall r, List<VmArea> now, MemoryImage mi, RestoreArea area)
            throws CrakException {
        // Move every piece out of the way first (into the spare half of the restore area's range),
        // so that no target overlaps a piece that has not moved yet.
        long temp = area.end();
        List<long[]> parked = new ArrayList<>();
        for (VmArea v : now) {
            r.check("mremap of " + v.path(), Syscalls.MREMAP, v.start(), v.size(), v.size(),
                    MREMAP_MAYMOVE | MREMAP_FIXED, temp);
            parked.add(new long[] {temp, v.size()});
            temp += v.size();
        }
        for (int i = 0; i < now.size(); i++) {
            String name = now.get(i).path();
            VmaImage target = mi.vmas().stream().filter(v -> v.path().equals(name)).findFirst().orElse(null);
            if (target == null) {
                r.check("munmap of " + name, Syscalls.MUNMAP, parked.get(i)[0], parked.get(i)[1]);
                continue;
            }
            r.check("mremap of " + name + " to " + target.describe(), Syscalls.MREMAP, parked.get(i)[0],
                    parked.get(i)[1], parked.get(i)[1], MREMAP_MAYMOVE | MREMAP_FIXED, target.start());
        }
    }

    private static void mapFile(RestoreContext ctx, RemoteSyscall r, VmaImage v) throws CrakException, IOException {
        boolean writableShared = v.shared() && (v.prot() & PROT_WRITE) != 0;
        ctx.resetData();
        // a file without a name is reopened where crak holds its recreated copy
        int flags = writableShared ? O_RDWR : O_RDONLY;
        long fd = v.unlinkedEntry() == null
                ? r.check("open of mapped file " + v.path(), Syscalls.OPEN, ctx.putString(v.path()), flags)
                : ctx.openCrakFd(ctx.session.unlinkedFiles.heldFd(v.unlinkedEntry()), flags,
                        "open of mapped file " + v.path());
        try {
            r.check("mmap of " + v.describe(), Syscalls.MMAP, v.start(), v.size(), v.prot(),
                    (v.shared() ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, fd, v.offset());
        } finally {
            r.call(Syscalls.CLOSE, fd);
        }
    }

    private static void mapShared(RestoreContext ctx, RemoteSyscall r, VmaImage v) throws CrakException, IOException {
        long[] owner = ctx.session.sharedOwners.get(v.inode());
        int prot = v.prot() | PROT_WRITE;
        if (owner == null) {
            r.check("mmap of shared " + v.describe(), Syscalls.MMAP, v.start(), v.size(), prot,
                    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            ctx.session.sharedOwners.put(v.inode(), new long[] {ctx.pid(), v.start(), v.end(), v.offset()});
            return;
        }
        long fileOffset = v.offset() - owner[3];
        if (fileOffset < 0) {
            throw new CrakException("pid " + ctx.pid() + ": shared mapping " + v.describe()
                    + " starts before its owner's window (pid " + owner[0] + "); not supported");
        }
        ctx.resetData();
        long path = ctx.putString("/proc/" + owner[0] + "/map_files/" + Long.toHexString(owner[1]) + "-"
                + Long.toHexString(owner[2]));
        long fd = r.check("open of shared memory of pid " + owner[0], Syscalls.OPEN, path, O_RDWR);
        try {
            r.check("mmap of shared " + v.describe(), Syscalls.MMAP, v.start(), v.size(), prot,
                    MAP_SHARED | MAP_FIXED, fd, fileOffset);
        } finally {
            r.call(Syscalls.CLOSE, fd);
        }
    }

    private static void setMmFields(RestoreContext ctx, RemoteSyscall r, MemoryImage mi) throws CrakException, IOException {
        MmFields m = mi.mm();
        ctx.resetData();
        long auxv = ctx.putData(mi.auxv());
        long exePath = ctx.putString(mi.exe());
        // The kernel refuses a new exe while the old one is still mapped (EBUSY): when the job runs
        // the restorer's own executable (sleep), it is already the right one; -1 leaves it.
        boolean sameExe = mi.exe().equals(Files.readSymbolicLink(Path.of("/proc", Integer.toString(ctx.hostPid()),
                "exe")).toString());
        long exeFd = sameExe ? -1 : r.check("open of executable " + mi.exe(), Syscalls.OPEN, exePath, O_RDONLY);
        ByteBuffer b = ByteBuffer.allocate(PRCTL_MM_MAP_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(m.startCode()).putLong(m.endCode()).putLong(m.startData()).putLong(m.endData())
                .putLong(m.startBrk()).putLong(m.brk()).putLong(m.startStack()).putLong(m.argStart())
                .putLong(m.argEnd()).putLong(m.envStart()).putLong(m.envEnd()).putLong(auxv)
                .putInt(mi.auxv().length).putInt((int) exeFd);
        long map = ctx.putData(b.array());
        try {
            r.check("prctl(PR_SET_MM_MAP)", Syscalls.PRCTL, PR_SET_MM, PR_SET_MM_MAP, map, PRCTL_MM_MAP_BYTES, 0);
        } finally {
            if (exeFd >= 0) {
                r.call(Syscalls.CLOSE, exeFd);
            }
        }
    }
}
