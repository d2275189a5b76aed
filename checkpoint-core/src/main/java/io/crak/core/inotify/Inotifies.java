package io.crak.core.inotify;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.files.FdImage;
import io.crak.core.files.FdKind;
import io.crak.core.files.FdState;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.UnlinkedFileCalls;
import io.crak.core.proc.FdInfo;
import io.crak.core.proc.InotifyWatch;
import io.crak.core.proc.MountInfo;
import io.crak.core.proc.MountInfoParser;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * inotify instances. The kernel shows a watch only by inode and file handle, so at dump the
 * handle is opened (open_by_handle_at in the watched filesystem) to learn the path, and at
 * restore each watch is added again by path, in descriptor order so the kernel hands out the same
 * watch descriptors (it allocates them in increasing order). Events already queued cannot be put
 * back into a new instance, so a dump with unread events is refused.
 */
public final class Inotifies implements FdKind {
    private static final int O_NONBLOCK = 04000;
    private static final long FIONREAD = 0x541B;
    private static final String DELETED_SUFFIX = " (deleted)";

    @Override
    public String name() {
        return "inotify";
    }

    @Override
    public boolean handles(String link, Path procNet) {
        return link.equals("anon_inode:inotify");
    }

    @Override
    public FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        String where = "pid " + ctx.pid() + " fd " + fd + ": inotify";
        long scratch = ctx.scratch();
        ctx.leaderRemote().check("ioctl(FIONREAD) of inotify fd " + fd, Syscalls.IOCTL, fd, FIONREAD, scratch);
        int queued = ByteBuffer.wrap(ctx.memory().read(scratch, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (queued != 0) {
            throw new CrakException(where + " has " + queued + " bytes of unread events, which a new instance"
                    + " cannot be given; not supported");
        }
        List<MountInfo> mounts = MountInfoParser.parse(Files.readString(Path.of("/proc/self/mountinfo")));
        List<InotifyState.Watch> watches = new ArrayList<>();
        List<InotifyWatch> sorted = new ArrayList<>(info.inotifyWatches());
        sorted.sort(Comparator.comparingInt(InotifyWatch::wd));
        for (InotifyWatch w : sorted) {
            if (w.wd() != watches.size() + 1) {
                throw new CrakException(where + " watch descriptors are not 1.." + sorted.size() + " (watch "
                        + (watches.size() + 1) + " was removed), which a new instance cannot reproduce; not supported");
            }
            watches.add(new InotifyState.Watch(w.wd(), resolve(where, w, mounts), w.mask()));
        }
        return new InotifyState(watches);
    }

    private static String resolve(String where, InotifyWatch w, List<MountInfo> mounts) throws CrakException, IOException {
        String what = where + " watch " + w.wd() + " (inode " + w.ino() + ")";
        if (w.fileHandle().length == 0) {
            throw new CrakException(what + ": the kernel shows no file handle, so its path cannot be found");
        }
        int major = (int) (w.sdev() >>> 20);
        int minor = (int) (w.sdev() & 0xfffff);
        MountInfo mount = mounts.stream().filter(m -> m.major() == major && m.minor() == minor).findFirst()
                .orElseThrow(() -> new CrakException(what + ": no mount of device " + major + ":" + minor
                        + " is visible to crak"));
        int fd;
        try {
            fd = UnlinkedFileCalls.openByHandle(mount.mountPoint(), w.fileHandleType(), w.fileHandle());
        } catch (NativeException e) {
            throw new CrakException(what + ": " + e.getMessage() + "; its path cannot be found");
        }
        try {
            String path = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (path.endsWith(DELETED_SUFFIX) || !path.startsWith("/")) {
                throw new CrakException(what + ": the watched file " + path + " has no name any more; not supported");
            }
            return path;
        } finally {
            FdCalls.close(fd);
        }
    }

    @Override
    public long open(RestoreContext ctx, FdImage f) throws CrakException, IOException {
        RemoteSyscall r = ctx.leader();
        long fd = r.check("inotify_init1 for fd " + f.fd(), Syscalls.INOTIFY_INIT1, f.flags() & O_NONBLOCK);
        for (InotifyState.Watch w : ((InotifyState) f.state()).watches()) {
            ctx.resetData();
            long wd = r.check("inotify_add_watch of " + w.path() + " for fd " + f.fd(), Syscalls.INOTIFY_ADD_WATCH,
                    fd, ctx.putString(w.path()), w.mask() & 0xffffffffL);
            if (wd != w.wd()) {
                r.call(Syscalls.CLOSE, fd);
                throw new CrakException("pid " + ctx.pid() + " fd " + f.fd() + ": inotify watch of " + w.path()
                        + " came back as descriptor " + wd + " instead of " + w.wd()
                        + " (watches were removed before the dump); not supported");
            }
        }
        return fd;
    }
}
