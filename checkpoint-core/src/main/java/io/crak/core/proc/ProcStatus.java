package io.crak.core.proc;

import java.util.List;

/**
 * /proc/PID/status or /proc/PID/task/TID/status: identity, credentials, namespaces, signals and
 * capabilities. Memory counters and speculation lines are not kept (other files are authoritative).
 *
 * @param umask the file mode creation mask, null on kernels before 4.7
 * @param uid real, effective, saved, filesystem uid
 * @param gid real, effective, saved, filesystem gid
 * @param nsTgid tgid in each pid namespace the process is in, outermost (the reader's) first
 * @param sigPnd signals pending for this thread (bitmask, bit n-1 = signal n)
 * @param shdPnd signals pending for the whole process
 * @param seccomp 0 disabled, 1 strict, 2 filter
 */
public record ProcStatus(
        String name,
        Integer umask,
        char state,
        int tgid,
        int ngid,
        int pid,
        int ppid,
        int tracerPid,
        int[] uid,
        int[] gid,
        List<Integer> groups,
        List<Integer> nsTgid,
        List<Integer> nsPid,
        List<Integer> nsPgid,
        List<Integer> nsSid,
        int threads,
        long sigQueued,
        long sigQueueLimit,
        long sigPnd,
        long shdPnd,
        long sigBlk,
        long sigIgn,
        long sigCgt,
        long capInh,
        long capPrm,
        long capEff,
        long capBnd,
        long capAmb,
        boolean noNewPrivs,
        int seccomp) {

    public static final int REAL = 0;
    public static final int EFFECTIVE = 1;
    public static final int SAVED = 2;
    public static final int FILESYSTEM = 3;

    public ProcStatus {
        if (uid.length != 4 || gid.length != 4) {
            throw new IllegalArgumentException("uid and gid need 4 entries (real, effective, saved, fs)");
        }
        uid = uid.clone();
        gid = gid.clone();
        groups = List.copyOf(groups);
        nsTgid = List.copyOf(nsTgid);
        nsPid = List.copyOf(nsPid);
        nsPgid = List.copyOf(nsPgid);
        nsSid = List.copyOf(nsSid);
    }

    @Override
    public int[] uid() {
        return uid.clone();
    }

    @Override
    public int[] gid() {
        return gid.clone();
    }

    /** The pid as seen from the innermost pid namespace the process belongs to. */
    public int innermostPid() {
        return nsPid.isEmpty() ? pid : nsPid.get(nsPid.size() - 1);
    }

    /** How many pid namespaces deep the process sits below the reader's (0 = same namespace). */
    public int pidNamespaceDepth() {
        return Math.max(0, nsPid.size() - 1);
    }
}
