package io.crak.core.tree;

import io.crak.core.CrakException;
import io.crak.core.RestoreSession;
import io.crak.core.image.Inventory;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.Errno;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.Tracer;
import io.crak.core.jna.UserRegs;
import io.crak.core.jna.WaitStatus;
import io.crak.core.netns.NetNamespace;
import io.crak.core.ptrace.ProcessMemory;
import io.crak.core.ptrace.RemoteSyscall;
import io.crak.core.ptrace.TraceeWait;
import io.crak.core.ptrace.Syscalls;
import io.crak.core.thread.ThreadImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Rebuilds the process tree: each process is forked by its (restored) parent with clone3 and
 * set_tid so it gets its old pid, then each thread is cloned into it with its old tid. Every new
 * task is attached automatically (PTRACE_O_TRACEFORK/CLONE are inherited) and starts stopped,
 * before running a single instruction of its own. Sessions and process groups are re-formed,
 * and zombies are made to exit again with their old status.
 */
public final class TreeRestorer {
    private static final int CLONE_ARGS_BYTES = 88;
    private static final long SIGCHLD = 17;
    private static final long THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000;
    private static final int RSEQ_FLAG_UNREGISTER = 1;
    private static final int SIGCHLD_SIGNAL = 17;
    private static final long CLONE_NEWNS = 0x00020000;
    private static final long CLONE_NEWPID = 0x20000000;
    private static final long CLONE_NEWNET = 0x40000000;

    private final RestoreSession session;

    public TreeRestorer(RestoreSession session) {
        this.session = session;
    }

    /**
     * Creates every process and thread of the images (parents first), reporting each new pid to
     * {@code created} at once (processes, threads, holders of process groups) so a failure can
     * kill what exists.
     */
    public void create(int stubPid, List<ProcessImage> images, IntConsumer created) throws CrakException, IOException {
        List<Integer> pids = new ArrayList<>();
        Parent stub = new Parent(new RemoteSyscall(stubPid, session.area.syscallInsn()), stubPid);
        boolean newNamespace = session.pids.isNamespaced();
        for (ProcessImage img : images) {
            boolean fromStub = !pids.contains(img.tree.ppid());
            if (fromStub && newNamespace && !pids.isEmpty()) {
                throw new CrakException("pid " + img.pid + " of the images has no parent in its pid namespace");
            }
            // the root of a namespaced tree is pid 1 of a fresh pid and mount namespace; the root of a
            // tree with a network namespace of its own gets a fresh one (its sockets are made there)
            Inventory.NetNamespaceImage ownNet = session.inventory.netNamespace();
            long flags = (fromStub && newNamespace ? CLONE_NEWPID | CLONE_NEWNS : 0)
                    | (fromStub && ownNet != null ? CLONE_NEWNET : 0);
            int host = clone(fromStub ? stub : parent(img.tree.ppid()), img.pid, flags, SIGCHLD, "process", created);
            pids.add(img.pid);
            dropInheritedRseq(img.pid);
            if ((flags & CLONE_NEWPID) != 0) {
                PidNamespaceMounts.mountOwnProc(session, img.pid);
            }
            if ((flags & CLONE_NEWNET) != 0) {
                session.netNamespace = NetNamespace.of(host);
                if (ownNet.loopbackUp()) {
                    session.netNamespace.bringLoopbackUp();
                }
            }
            if (img.tree.sid() == img.pid) {
                remote(img.pid).check("setsid", Syscalls.SETSID);
                // before its children exist: they inherit the controlling terminal only by fork
                io.crak.core.pty.Ptys.takeControllingTerminal(session, images, img.pid);
            }
        }
        for (ProcessImage img : images) {
            for (ThreadImage t : img.threads) {
                if (t.tid() != img.pid) {
                    clone(parent(img.pid), t.tid(), THREAD_FLAGS, 0, "thread", created);
                }
            }
        }
        Map<Integer, Integer> holders = holdOrphanedGroups(images, pids, created);
        // group leaders first, then the members joining them
        for (int pass = 0; pass < 2; pass++) {
            for (ProcessImage img : images) {
                int pgid = img.tree.pgid();
                boolean leader = pgid == img.pid;
                if (pgid == img.tree.sid() || (pass == 0) != leader
                        || !(pids.contains(pgid) || holders.containsKey(pgid))) {
                    continue;
                }
                remote(img.pid).check("setpgid to group " + pgid, Syscalls.SETPGID, 0, pgid);
            }
        }
        for (Map.Entry<Integer, Integer> h : holders.entrySet()) {
            releaseHolder(h.getKey(), h.getValue());
        }
        // last: nothing forks in the namespace after this until the job runs
        ProcessImage root = images.get(0);
        if (newNamespace && root.tree.nsLastPid() > 0) {
            NamespaceLastPid.write(session, root.pid, root.tree.nsLastPid());
        }
    }

    /**
     * A process group outlives its leader. To re-form a group whose leader is gone, a short-lived
     * holder process takes the leader's pid (forked by a member's parent, so it is in the right
     * session) and makes itself the group; the members join; the holder exits and its parent is made
     * to reap it before anything runs.
     *
     * @return holder pid (= group id) to the parent that forked it
     */
    private Map<Integer, Integer> holdOrphanedGroups(List<ProcessImage> images, List<Integer> pids,
            IntConsumer created) throws CrakException, IOException {
        Map<Integer, Integer> holders = new LinkedHashMap<>();
        // the root's own group, when it is outside the tree, is inherited from whoever restores
        int outerGroup = images.get(0).tree.pgid();
        for (ProcessImage img : images) {
            int pgid = img.tree.pgid();
            if (pgid <= 0 || pgid == img.pid || pgid == img.tree.sid() || pids.contains(pgid)
                    || holders.containsKey(pgid) || pgid == outerGroup || !pids.contains(img.tree.ppid())) {
                continue;
            }
            clone(parent(img.tree.ppid()), pgid, 0, SIGCHLD, "holder of process group", created);
            remote(pgid).check("setpgid of the group holder", Syscalls.SETPGID, 0, 0);
            holders.put(pgid, img.tree.ppid());
        }
        return holders;
    }

    private void releaseHolder(int holder, int parent) throws CrakException {
        exitTask(session.hostPid(holder), 0, 0, "ending the holder of process group " + holder);
        remote(parent).check("reaping the holder of process group " + holder, Syscalls.WAIT4, holder, 0,
                0x40000000L /* __WALL */, 0);
        remote(parent).dropDeferred(SIGCHLD_SIGNAL);
    }

    /** Makes the zombies of the image exit with their recorded status. */
    public void exitZombies(List<ProcessImage> images) throws CrakException {
        for (ProcessImage img : images) {
            if (!img.tree.zombie()) {
                continue;
            }
            int status = img.tree.exitStatus();
            exitTask(session.hostPid(img.pid), (status >> 8) & 0xff, status & 0x7f, "recreating the zombie");
        }
    }

    /** A process that forks: the injector of one of its threads and its pid as crak sees it. */
    private record Parent(RemoteSyscall remote, int hostPid) {
    }

    private Parent parent(int imagePid) {
        return new Parent(remote(imagePid), session.hostPid(imagePid));
    }

    /**
     * Makes a stopped task leave the way it is asked to: exit_group(code) run at the restore
     * area's syscall instruction, or death by signal sig; waits (as its tracer) until it is gone.
     * pid is the host pid.
     */
    private void exitTask(int pid, int code, int sig, String what) throws CrakException {
        try {
            UserRegs r = Tracer.getRegs(pid);
            r.orig_rax = -1;
            r.rip = session.area.syscallInsn();
            r.rax = Syscalls.EXIT_GROUP;
            r.rdi = code;
            Tracer.setRegs(pid, r);
            if (sig != 0) {
                Tracer.kill(pid, sig);
            }
            while (true) {
                Tracer.cont(pid, sig);
                WaitStatus s = TraceeWait.waitFor(pid);
                if (!s.stopped()) {
                    break;
                }
            }
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Clones task {@code id} (its image pid, set with set_tid in the parent's namespace or, with
     * CLONE_NEWPID, in the new one) from parent, records its host pid and reports it to
     * {@code created} before waiting for its first stop.
     *
     * @return the new task's host pid
     */
    private int clone(Parent parent, int id, long flags, long exitSignal, String what, IntConsumer created)
            throws CrakException, IOException {
        long args = session.area.dataStart();
        long tidArray = args + CLONE_ARGS_BYTES + 8;
        ByteBuffer b = ByteBuffer.allocate(CLONE_ARGS_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(flags).putLong(0).putLong(0).putLong(0).putLong(exitSignal).putLong(0).putLong(0).putLong(0)
                .putLong(tidArray).putLong(1).putLong(0);
        try (ProcessMemory mem = new ProcessMemory(parent.hostPid(), true)) {
            mem.write(args, b.array());
            mem.write(tidArray, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, id).array());
        }
        long rc = parent.remote().call(Syscalls.CLONE3, args, CLONE_ARGS_BYTES);
        if (rc == -Errno.EEXIST) {
            throw new CrakException("pid " + id + " is taken by another process; cannot restore the " + what
                    + " with its pid");
        }
        if (rc < 0) {
            throw new CrakException("pid " + parent.hostPid() + ": clone3 of " + what + " " + id + " failed: "
                    + Errno.name((int) -rc));
        }
        int host = parent.remote().lastCreatedTask();
        if (host <= 0) {
            throw new CrakException("pid " + parent.hostPid() + ": clone3 of " + what + " " + id
                    + " reported no fork or clone event");
        }
        session.pids.put(id, host);
        created.accept(host);
        try {
            WaitStatus s = TraceeWait.waitFor(host);
            if (!s.stopped()) {
                throw new CrakException(what + " " + id + " (host pid " + host + ") ended right after creation: " + s);
            }
        } catch (NativeException e) {
            throw new CrakException(what + " " + id + " (host pid " + host + "): " + e.getMessage(), e);
        }
        return host;
    }

    /** A forked child inherits the restorer's rseq registration, whose memory is about to go. */
    private void dropInheritedRseq(int pid) throws CrakException {
        try {
            long[] cfg = Tracer.rseqConfiguration(session.hostPid(pid));
            if (cfg[0] != 0) {
                remote(pid).check("rseq unregistration", Syscalls.RSEQ, cfg[0], cfg[1], RSEQ_FLAG_UNREGISTER, cfg[2]);
            }
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + ": " + e.getMessage(), e);
        }
    }

    private RemoteSyscall remote(int tid) {
        return session.remote(tid);
    }
}
