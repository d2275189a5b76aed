package io.crak.core.proc;

/**
 * /proc/PID/stat or /proc/PID/task/TID/stat, all 52 fields in proc(5) order. Unsigned kernel
 * values (addresses, masks, rsslim) are kept as their 64-bit pattern in a {@code long}.
 * Addresses read as 0 when the reader may not ptrace-read the process.
 */
public record ProcStat(
        int pid,
        String comm,
        char state,
        int ppid,
        int pgrp,
        int session,
        int ttyNr,
        int tpgid,
        long flags,
        long minflt,
        long cminflt,
        long majflt,
        long cmajflt,
        /** user-mode CPU time in clock ticks */
        long utime,
        /** kernel-mode CPU time in clock ticks */
        long stime,
        long cutime,
        long cstime,
        long priority,
        long nice,
        int numThreads,
        long itrealvalue,
        /** clock ticks after boot when the process started; with pid, identifies a process */
        long startTime,
        long vsize,
        /** resident pages */
        long rss,
        long rsslim,
        long startCode,
        long endCode,
        long startStack,
        long kstkesp,
        long kstkeip,
        long signal,
        long blocked,
        long sigignore,
        long sigcatch,
        long wchan,
        long nswap,
        long cnswap,
        int exitSignal,
        int processor,
        long rtPriority,
        long policy,
        long delayacctBlkioTicks,
        long guestTime,
        long cguestTime,
        long startData,
        long endData,
        long startBrk,
        long argStart,
        long argEnd,
        long envStart,
        long envEnd,
        int exitCode) {

    /** Zombie (Z) or dead (X): the process has exited and waits to be reaped. */
    public boolean isExited() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** CPU time used so far (user + system), in clock ticks. */
    public long cpuTicks() {
        return utime + stime;
    }
}
