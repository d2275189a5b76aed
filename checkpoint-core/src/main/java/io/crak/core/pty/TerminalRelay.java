package io.crak.core.pty;

import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PtyCalls;
import java.io.PrintStream;

/**
 * The master side of a restored job's terminal, held by crak: what the job writes goes to crak's
 * standard output, and when crak's own standard input is a terminal, what is typed there goes to
 * the job. It ends (closing the master) when the job's last descriptor on the terminal is closed.
 * Daemon threads: they never keep crak alive, and the job loses its terminal (SIGHUP) when crak
 * exits — a job with a terminal is restored by a crak that waits for it.
 */
final class TerminalRelay {
    private static final int BUFFER_BYTES = 4096;
    private static final int STDIN_FD = 0;

    private TerminalRelay() {
    }

    static void start(int master, String name, PrintStream out) {
        Thread output = new Thread(() -> {
            byte[] buf = new byte[BUFFER_BYTES];
            try {
                int n;
                while ((n = PtyCalls.read(master, buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (NativeException e) {
                // EIO: every slave descriptor is closed, the job is gone
            } finally {
                FdCalls.close(master);
            }
        }, "crak-terminal-" + name);
        output.setDaemon(true);
        output.start();
        if (!PtyCalls.isTerminal(STDIN_FD)) {
            return;
        }
        Thread input = new Thread(() -> {
            byte[] buf = new byte[BUFFER_BYTES];
            try {
                int n;
                while ((n = PtyCalls.read(STDIN_FD, buf)) > 0) {
                    PtyCalls.writeAll(master, buf, n);
                }
            } catch (NativeException e) {
                // the master is closed: the job is gone
            }
        }, "crak-terminal-input-" + name);
        input.setDaemon(true);
        input.start();
    }
}
