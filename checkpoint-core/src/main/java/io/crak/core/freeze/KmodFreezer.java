package io.crak.core.freeze;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.crak.core.CrakException;
import io.crak.core.jna.CrakKmod;
import io.crak.core.jna.CrakKmodFreeze;
import io.crak.core.jna.CrakKmodStatus;
import io.crak.core.jna.CrakKmodThaw;
import io.crak.core.jna.Errno;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Freezer backed by Crak's kernel module ({@code /dev/crak}, see kmod/Documentation/crak.rst).
 * Every thread of the tree is parked on its way back to user mode, atomically with respect to
 * forks and without any signal the job could see. One open device file is one freeze session:
 * closing it thaws whatever it froze, so a crashed controller never leaves a job frozen.
 */
public final class KmodFreezer implements Freezer {
    /** The module's misc device. */
    public static final Path DEVICE = Path.of("/dev/crak");
    /** Room for this many process ids in the first FREEZE; a larger tree is frozen again. */
    static final int INITIAL_PID_CAPACITY = 1024;
    public static final Duration MIN_TIMEOUT = Duration.ofNanos(CrakKmod.TIMEOUT_MIN_NS);
    public static final Duration MAX_TIMEOUT = Duration.ofNanos(CrakKmod.TIMEOUT_MAX_NS);

    /** What the module reported for the current or last freeze. */
    public record FreezeReport(long generation, Duration elapsed, int processes, int threads, int stopped,
                               int blockedOnVfork, int exited) {}

    /** STATUS of the frozen generation: threads quiescent, still running (escaped) and exited. */
    public record Status(int processes, int threads, int quiescent, int running, int exited) {}

    private int fd = -1;
    private FreezeReport frozen;
    private FreezeReport last;

    public KmodFreezer() {
    }

    /** True when the module's device exists and this process may open it. */
    public static boolean present() {
        if (!Files.exists(DEVICE)) {
            return false;
        }
        try (FileChannel probe = FileChannel.open(DEVICE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    @Override
    public FreezerKind kind() {
        return FreezerKind.KMOD;
    }

    /** Freezes {@code rootPid} and its descendants (CRAK_SCOPE_TREE); all or nothing. */
    @Override
    public synchronized Set<Integer> freeze(int rootPid, Duration timeout) throws CrakException {
        if (rootPid <= 0) {
            throw new CrakException("kmod freezer: root pid " + rootPid + " is not a process id");
        }
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new CrakException("kmod freezer: pid " + rootPid + ": timeout " + timeout + " outside "
                    + MIN_TIMEOUT + ".." + MAX_TIMEOUT);
        }
        if (frozen != null) {
            throw new CrakException("kmod freezer: pid " + rootPid + ": session already holds generation "
                    + frozen.generation() + "; thaw() first");
        }
        int capacity = INITIAL_PID_CAPACITY;
        while (true) {
            Memory pids = new Memory((long) capacity * Integer.BYTES);
            CrakKmodFreeze req = new CrakKmodFreeze();
            req.scope = CrakKmod.SCOPE_TREE;
            req.pid = rootPid;
            req.timeoutNs = timeout.toNanos();
            req.outPidsPtr = Pointer.nativeValue(pids);
            req.outPidsCap = capacity;
            try {
                CrakKmod.INSTANCE.ioctl(device(), CrakKmod.IOC_FREEZE, req);
            } catch (LastErrorException e) {
                req.read();
                throw new CrakException(freezeFailure(rootPid, timeout, e.getErrorCode(), req.errPid));
            }
            FreezeReport report = new FreezeReport(req.generation, Duration.ofNanos(req.elapsedNs),
                    req.nrProcesses, req.nrThreads, req.nrStopped, req.nrBlocked, req.nrExited);
            if ((req.outFlags & CrakKmod.OUT_PIDS_TRUNCATED) != 0) {
                // The list is the contract of freeze(): thaw and freeze again with room for all.
                frozen = report;
                thaw();
                capacity = Math.min(CrakKmod.MAX_PIDS, Math.max(capacity * 2, req.nrProcesses * 2));
                if (req.nrProcesses > CrakKmod.MAX_PIDS) {
                    throw new CrakException("kmod freezer: pid " + rootPid + ": tree has " + req.nrProcesses
                            + " processes, more than the module can list (" + CrakKmod.MAX_PIDS + ")");
                }
                continue;
            }
            Set<Integer> result = new LinkedHashSet<>();
            for (int pid : pids.getIntArray(0, Math.min(req.nrProcesses, capacity))) {
                result.add(pid);
            }
            frozen = report;
            last = report;
            return Collections.unmodifiableSet(result);
        }
    }

    @Override
    public synchronized void thaw() throws CrakException {
        if (frozen == null) {
            throw new CrakException("kmod freezer: thaw() without a frozen tree");
        }
        CrakKmodThaw req = new CrakKmodThaw();
        req.generation = frozen.generation();
        try {
            CrakKmod.INSTANCE.ioctl(device(), CrakKmod.IOC_THAW, req);
        } catch (LastErrorException e) {
            throw new CrakException("kmod freezer: " + DEVICE + " THAW of generation " + frozen.generation()
                    + ": " + CrakKmod.errnoName(e.getErrorCode()));
        } finally {
            frozen = null;
        }
    }

    /** The module's view of the frozen generation: whether anything escaped or exited since. */
    public synchronized Status status() throws CrakException {
        if (frozen == null) {
            throw new CrakException("kmod freezer: status() without a frozen tree");
        }
        CrakKmodStatus req = new CrakKmodStatus();
        req.generation = frozen.generation();
        try {
            CrakKmod.INSTANCE.ioctl(device(), CrakKmod.IOC_STATUS, req);
        } catch (LastErrorException e) {
            throw new CrakException("kmod freezer: " + DEVICE + " STATUS of generation " + frozen.generation()
                    + ": " + CrakKmod.errnoName(e.getErrorCode()));
        }
        return new Status(req.nrProcesses, req.nrThreads, req.nrQuiescent, req.nrRunning, req.nrExited);
    }

    /** The module's report of the last successful freeze, or null before the first. */
    public synchronized FreezeReport lastFreeze() {
        return last;
    }

    /** Closing the session makes the module thaw anything still frozen. Never throws. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                CrakKmod.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                // close(2) of a misc device only fails on EINTR, after the file is released anyway
                System.getLogger(KmodFreezer.class.getName()).log(System.Logger.Level.WARNING,
                        DEVICE + ": close fd " + fd + ": " + CrakKmod.errnoName(e.getErrorCode()));
            }
        }
        fd = -1;
        frozen = null;
    }

    private int device() throws CrakException {
        if (fd < 0) {
            try {
                fd = CrakKmod.INSTANCE.open(DEVICE.toString(), CrakKmod.O_RDWR | CrakKmod.O_CLOEXEC);
            } catch (LastErrorException e) {
                throw new CrakException("kmod freezer: open " + DEVICE + ": " + CrakKmod.errnoName(e.getErrorCode())
                        + " (module not loaded, or not root with CAP_SYS_ADMIN)");
            }
        }
        return fd;
    }

    /** One line naming the tree, the thread at fault and the reason, per documented errno. */
    static String freezeFailure(int rootPid, Duration timeout, int errno, int errPid) {
        String prefix = "kmod freezer: pid " + rootPid + " tree: " + DEVICE + " FREEZE: " + CrakKmod.errnoName(errno);
        switch (errno) {
            case CrakKmod.ETIMEDOUT:
                return prefix + " (thread " + errPid + " did not stop within " + timeout + ")";
            case CrakKmod.EOPNOTSUPP:
                return prefix + " (thread " + errPid + " belongs to a process using io_uring or is a kernel worker;"
                        + " its work would go on while frozen)";
            case CrakKmod.EDEADLK:
                return prefix + " (thread " + errPid + " is this controller itself)";
            case Errno.EPERM:
                return prefix + " (thread " + errPid + " is a kernel thread)";
            case Errno.ESRCH:
                return prefix + " (no live process in the tree)";
            case Errno.EINTR:
                return prefix + " (interrupted by a signal; nothing stays frozen)";
            default:
                return prefix;
        }
    }
}
