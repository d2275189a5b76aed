package io.crak.clustertest;

import io.crak.core.jna.LibC;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.FdCalls;
import java.util.List;
import java.util.Map;

/**
 * Sends a signal to processes this test started, by handle, never by name or bare pid: a pidfd is
 * opened on the pid and the signal sent through it (pidfd_send_signal) only if the handle's
 * process, start time included, is still the one behind it. This machine's pid_max is 32768, so
 * a pid read a moment ago may already be another test's (or another node's restored) process.
 */
final class Signals {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final Map<String, Integer> NUMBERS = Map.of("INT", 2, "KILL", 9, "CONT", 18, "STOP", 19);

    private Signals() {
    }

    static void send(String signal, List<ProcessHandle> processes) {
        int sig = NUMBERS.get(signal);
        for (ProcessHandle h : processes) {
            int pidfd;
            try {
                pidfd = (int) LibC.checkedSyscall("pidfd_open of pid " + h.pid(), SYS_PIDFD_OPEN, h.pid(), 0);
            } catch (NativeException e) {
                continue; // gone: nothing to signal
            }
            try {
                // isAlive compares the start time: true means the pidfd is on the handle's process
                if (h.isAlive()) {
                    LibC.checkedSyscall("pidfd_send_signal(" + signal + ") to pid " + h.pid(), SYS_PIDFD_SEND_SIGNAL,
                            pidfd, sig, 0, 0);
                }
            } catch (NativeException e) {
                // it exited between the check and the signal: nothing to signal
            } finally {
                FdCalls.close(pidfd);
            }
        }
    }
}
