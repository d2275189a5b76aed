package io.crak.core;

import io.crak.core.creds.CredsImage;
import io.crak.core.files.FdImage;
import io.crak.core.image.ImageFormat;
import io.crak.core.image.ImageSource;
import io.crak.core.image.Inventory;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Ptrace;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.UserRegs;
import io.crak.core.jna.WaitStatus;
import io.crak.core.memory.VmaImage;
import io.crak.core.proc.MapsParser;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.Seizer;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.ptrace.TraceeWait;
import io.crak.core.restore.RestoreArea;
import io.crak.core.thread.ThreadImage;
import io.crak.core.tree.TreeRestorer;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One restore: read and check the images (before anything is created), start a disposable
 * restorer process, give it a restore area, rebuild the tree from it, put every resource back in
 * {@link Resources} order, then remove the restore area, load the registers and let go. If
 * anything fails, every process created so far is killed: nothing half-restored runs.
 */
final class TreeRestore {
    private static final long STUB_START_TIMEOUT_MILLIS = 5000;
    /** How long a pid held by a zombie may take to be reaped before the restore calls it taken. */
    static final java.time.Duration ZOMBIE_REAP_WAIT = java.time.Duration.ofSeconds(3);
    private static final int PROT_RWX = 7;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_PATH = 0x200000;
    private static final int MAP_PRIVATE_ANON_FIXED_NOREPLACE = 0x02 | 0x20 | 0x100000;

    private final RestoreRequest req;
    private final ImageSource source;
    private final List<Integer> created = new ArrayList<>();

    TreeRestore(RestoreRequest req, ImageSource source) {
        this.req = req;
        this.source = source;
    }

    RestoredTree run() throws CrakException {
        Inventory inv;
        List<ProcessImage> images = new ArrayList<>();
        io.crak.core.unlinked.RestoredFiles unlinked = io.crak.core.unlinked.RestoredFiles.NONE;
        long tRead = System.nanoTime();
        try {
            inv = ImageFormat.decode(source.readAll(ImageFormat.INVENTORY), Inventory.class, ImageFormat.INVENTORY);
            if (inv.formatVersion() != ImageFormat.VERSION) {
                throw new CrakException(source.describe() + " are image format version " + inv.formatVersion()
                        + "; this crak reads version " + ImageFormat.VERSION);
            }
            for (int pid : inv.pids()) {
                String entry = ImageFormat.processEntry(pid);
                images.add(ImageFormat.decode(source.readAll(entry), ProcessImage.class, entry));
            }
            // included files come back before the preflight looks for the job's files
            unlinked = io.crak.core.unlinked.RestoredFiles.restore(source);
            preflight(inv, images);
            PhaseLog.mark("read and check images", tRead);
        } catch (FileNotFoundException | NoSuchFileException e) {
            unlinked.close();
            throw new CrakException(source.describe() + " are incomplete: " + e.getMessage());
        } catch (IOException e) {
            unlinked.close();
            throw new CrakException(source.describe() + " cannot be read: " + e.getMessage(), e);
        } catch (CrakException | RuntimeException e) {
            unlinked.close();
            throw e;
        }
        int stubPid = 0;
        RestoreSession session = null;
        try {
            Tracer.becomeChildSubreaper();
            long tStub = System.nanoTime();
            stubPid = startStub();
            if (req.cgroup().isPresent()) {
                Path procs = req.cgroup().get().resolve("cgroup.procs");
                try {
                    Files.writeString(procs, Integer.toString(stubPid));
                } catch (IOException e) {
                    throw new CrakException("cannot restore into cgroup " + req.cgroup().get() + ": " + e.getMessage(), e);
                }
            }
            RestoreArea area = prepareStub(stubPid, images);
            session = new RestoreSession(inv, source, area);
            session.unlinkedFiles = unlinked;
            giveStubRestorerFds(stubPid, session, images);
            PhaseLog.mark("start restorer", tStub);
            TreeRestorer tree = new TreeRestorer(session);
            long t0 = System.nanoTime();
            // held from creation to release: a job killed mid-restore must not hang the waits
            tree.create(stubPid, images, pid -> {
                created.add(pid);
                TraceeWait.hold(List.of(pid));
            });
            PhaseLog.mark("create tree", t0);
            // The stub has done its part: once it is gone the root's parent is this process (a
            // subreaper), which is also what a restored parent-death signal must refer to.
            endStub(stubPid);
            stubPid = 0;
            for (ProcessImage img : images) {
                if (img.tree.zombie()) {
                    continue;
                }
                try (RestoreContext ctx = new RestoreContext(img, session)) {
                    for (Resource r : Resources.ORDER) {
                        long tr = System.nanoTime();
                        r.restorer().restore(ctx, img);
                        PhaseLog.mark("  " + r.restorer().getClass().getSimpleName(), tr);
                    }
                }
            }
            PhaseLog.mark("resources", t0);
            for (io.crak.core.files.FdKind k : FdKinds.ORDER) {
                k.finish(session);
            }
            for (RestoreSession.AfterRestore a : session.afterAllRestored) {
                a.run();
            }
            tree.exitZombies(images);
            for (ProcessImage img : images) {
                if (!img.tree.zombie()) {
                    session.remote(img.pid).check("close of crak's pidfd", Syscalls.CLOSE, session.crakPidfd);
                    session.remote(img.pid).check("close of crak's /proc", Syscalls.CLOSE, session.crakProcFd);
                    session.remote(img.pid).check("munmap of the restore area", Syscalls.MUNMAP, area.start(),
                            RestoreArea.SIZE_BYTES);
                }
            }
            release(session, images);
            return new RestoredTree(session.hostPid(inv.rootPid()),
                    inv.pids().stream().map(session::hostPid).toList());
        } catch (CrakException | IOException | NativeException | RuntimeException e) {
            killCreated();
            if (session != null) {
                for (io.crak.core.files.FdKind k : FdKinds.ORDER) {
                    k.abandon(session);
                }
            }
            String msg = e.getMessage();
            throw e instanceof CrakException ce ? ce : new CrakException("restore failed: " + msg, e);
        } finally {
            TraceeWait.forget(created);
            unlinked.close();
            if (session != null && session.netNamespace != null) {
                session.netNamespace.close();
            }
            if (stubPid != 0) {
                endStub(stubPid);
            }
        }
    }

    private void preflight(Inventory inv, List<ProcessImage> images) throws CrakException, IOException {
        List<Inventory.SpecialArea> host = KernelLayout.hostVdsoLayout();
        if (!host.equals(inv.vdso())) {
            throw new CrakException("the vdso layout differs: images from kernel " + inv.kernel() + " have " + inv.vdso()
                    + ", this kernel " + KernelLayout.release() + " has " + host);
        }
        for (ProcessImage img : images) {
            if (inv.pidNamespace()) {
                break; // a fresh pid namespace: every pid of the images is free there
            }
            List<Integer> ids = new ArrayList<>();
            ids.add(img.pid);
            img.threads.forEach(t -> ids.add(t.tid()));
            for (int id : ids) {
                Path p = Path.of("/proc", Integer.toString(id));
                awaitReapIfZombie(p);
                if (Files.exists(p)) {
                    String comm = Files.exists(p.resolve("comm")) ? Files.readString(p.resolve("comm")).strip() : "?";
                    throw new CrakException("pid " + id + " is taken by a running process (" + comm
                            + "); the tree cannot get its pids back");
                }
            }
        }
        for (ProcessImage img : images) {
            if (img.tree.zombie()) {
                continue;
            }
            CredsImage c = img.creds;
            boolean trustedInit = img == images.get(0) && req.initExecutable().isPresent()
                    && req.initExecutable().get().toString().equals(img.memory.exe());
            if (req.ownerUid() >= 0 && !trustedInit) {
                for (int u : c.uid()) {
                    if (u != req.ownerUid()) {
                        throw new CrakException("pid " + img.pid + " ran as uid " + u + ", not as the job owner uid "
                                + req.ownerUid() + "; refusing to restore it");
                    }
                }
            }
            for (VmaImage v : img.memory.vmas()) {
                if (v.kind() == VmaImage.Kind.FILE && v.unlinkedEntry() == null) {
                    checkFile(img.pid, v);
                }
            }
            for (FdImage f : img.fds) {
                if (f.sharedWithPid() == 0 && f.path().startsWith("/") && !f.path().startsWith("/dev/pts/")
                        && !Files.exists(Path.of(f.path()))
                        && !(f.state() instanceof io.crak.core.unlinked.UnlinkedFile)) {
                    throw new CrakException("pid " + img.pid + " fd " + f.fd() + ": " + f.path() + " does not exist here");
                }
            }
        }
    }

    /**
     * A process of a tree that was just killed (by a dump, or by a node crash) may still be a
     * zombie waiting for its reaper; give the reaper a moment before calling its pid taken.
     */
    private static void awaitReapIfZombie(Path proc) throws IOException {
        long deadline = System.nanoTime() + ZOMBIE_REAP_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String stat = Files.readString(proc.resolve("stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'Z' && state != 'X') {
                    return;
                }
            } catch (NoSuchFileException e) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void checkFile(int pid, VmaImage v) throws CrakException, IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(Path.of(v.path()), BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new CrakException("pid " + pid + ": mapped file " + v.path() + " does not exist here");
        }
        long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        if (a.size() != v.fileSize() || mtime != v.fileMtimeNanos()) {
            throw new CrakException("pid " + pid + ": mapped file " + v.path() + " changed since the dump (size "
                    + v.fileSize() + " -> " + a.size() + ", mtime " + v.fileMtimeNanos() + " -> " + mtime + ")");
        }
    }

    /**
     * A plain process to clone the tree from; it is discarded once the tree stands. It is started
     * through a shell that exits at once, so it is our child only as the subreaper that inherits
     * it — never a java.lang.Process, whose reaper thread would swallow its ptrace stops.
     */
    private static int startStub() throws IOException, CrakException {
        String sleep = Files.isExecutable(Path.of("/usr/bin/sleep")) ? "/usr/bin/sleep" : "/bin/sleep";
        Process sh = new ProcessBuilder("/bin/sh", "-c", sleep + " infinity </dev/null >/dev/null 2>&1 & echo $!")
                .redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(sh.getInputStream().readAllBytes()).strip();
        try {
            sh.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrakException("interrupted while starting the restorer process");
        }
        int pid;
        try {
            pid = Integer.parseInt(out);
        } catch (NumberFormatException e) {
            throw new CrakException("the restorer process did not start: " + out);
        }
        Path exe = Path.of("/proc", Integer.toString(pid), "exe");
        long deadline = System.currentTimeMillis() + STUB_START_TIMEOUT_MILLIS;
        while (true) {
            try {
                if (Files.readSymbolicLink(exe).getFileName().toString().equals("sleep")) {
                    return pid;
                }
            } catch (IOException e) {
                // not there yet
            }
            if (System.currentTimeMillis() > deadline) {
                endStub(pid);
                throw new CrakException("the restorer process (pid " + pid + ") did not start");
            }
            Thread.onSpinWait();
        }
    }

    private static RestoreArea prepareStub(int stubPid, List<ProcessImage> images)
            throws NativeException, CrakException, IOException {
        Tracer.seize(stubPid, Seizer.OPTIONS);
        Tracer.interrupt(stubPid);
        WaitStatus s = Tracer.waitFor(stubPid);
        if (!s.stopped()) {
            throw new CrakException("the restorer process " + stubPid + " ended: " + s);
        }
        List<io.crak.core.proc.VmArea> maps = MapsParser.parse(Files.readString(Path.of("/proc", Integer.toString(stubPid), "maps")));
        RestoreArea area = RestoreArea.choose(images.stream().filter(i -> !i.tree.zombie()).toList(), maps);
        RemoteSyscall r = new RemoteSyscall(stubPid, KernelLayout.syscallInstruction(stubPid));
        r.check("mmap of the restore area", Syscalls.MMAP, area.start(), RestoreArea.SIZE_BYTES, PROT_RWX,
                MAP_PRIVATE_ANON_FIXED_NOREPLACE, -1, 0);
        try (ProcessMemory mem = new ProcessMemory(stubPid, true)) {
            mem.write(area.start(), RestoreArea.CODE);
        }
        return area;
    }

    private static void release(RestoreSession session, List<ProcessImage> images) throws NativeException {
        for (ProcessImage img : images) {
            if (img.tree.zombie()) {
                continue;
            }
            for (ThreadImage t : img.threads) {
                Tracer.setRegs(session.hostPid(t.tid()), UserRegs.fromBytes(t.regs()));
            }
        }
        for (ProcessImage img : images) {
            if (img.tree.zombie()) {
                continue;
            }
            int stop = img.tree.stopSignal();
            for (ThreadImage t : img.threads) {
                int deferred = session.remote(t.tid()).takeDeferredSignal();
                int signal = t.deliverOnResume() != 0 ? t.deliverOnResume() : deferred;
                if (stop != 0 && signal == 0 && t.tid() == img.pid) {
                    // the leader leaves its syscall-exit stop with the user's stop signal sent, so the
                    // process stops again before running any instruction of its own
                    signal = stop;
                    stop = 0;
                }
                try {
                    Tracer.detach(session.hostPid(t.tid()), signal);
                } catch (NativeException e) {
                    if (e.errno() != io.crak.core.jna.Errno.ESRCH) {
                        throw e;
                    }
                    // killed meanwhile (by a process of the tree released before it): not ours to report
                }
            }
            if (stop != 0) {
                Tracer.kill(session.hostPid(img.pid), stop);
            }
        }
    }

    /**
     * Gives the restorer process, and so by inheritance every process of the tree, two descriptors
     * at numbers above every descriptor of the images, closed in each process at the end: a pidfd
     * of crak (the tree takes descriptors crak made with pidfd_getfd on it) and crak's /proc as an
     * O_PATH directory (the tree reopens files crak holds through it). A tree with a pid namespace
     * of its own sees neither crak's pid nor crak's /proc otherwise.
     */
    private static void giveStubRestorerFds(int stubPid, RestoreSession session, List<ProcessImage> images)
            throws CrakException, IOException {
        int number = images.stream().flatMap(i -> i.fds.stream()).mapToInt(FdImage::fd).max().orElse(2) + 1;
        RemoteSyscall r = new RemoteSyscall(stubPid, session.area.syscallInsn());
        long pidfd = r.check("pidfd_open of crak (pid " + Tracer.getpid() + ")", Syscalls.PIDFD_OPEN, Tracer.getpid(), 0);
        session.crakPidfd = moveTo(r, pidfd, number);
        long procPath = session.area.dataStart();
        try (ProcessMemory mem = new ProcessMemory(stubPid, true)) {
            mem.write(procPath, "/proc\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        long proc = r.check("open of crak's /proc", Syscalls.OPEN, procPath, O_PATH | O_DIRECTORY, 0);
        session.crakProcFd = moveTo(r, proc, number + 1);
    }

    private static int moveTo(RemoteSyscall r, long fd, int number) throws CrakException {
        if (fd != number) {
            r.check("dup2 of fd " + fd + " to fd " + number, Syscalls.DUP2, fd, number);
            r.call(Syscalls.CLOSE, fd);
        }
        return number;
    }

    /** Kills the restorer process and reaps it (we are its parent as subreaper). */
    private static void endStub(int stubPid) {
        try {
            Tracer.kill(stubPid, Ptrace.SIGKILL);
            while (Tracer.waitFor(stubPid).stopped()) {
                // ptrace stops until the kill lands
            }
        } catch (NativeException e) {
            // gone and reaped already
        }
    }

    private void killCreated() {
        for (int pid : created) {
            try {
                Tracer.kill(pid, Ptrace.SIGKILL);
            } catch (NativeException e) {
                // gone already
            }
        }
        io.crak.core.ptrace.SeizedTree.awaitGone(created);
    }
}
