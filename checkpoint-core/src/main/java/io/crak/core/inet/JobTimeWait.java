package io.crak.core.inet;

import io.crak.core.CrakException;
import io.crak.core.jna.InetDiagCalls;
import io.crak.core.jna.NativeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The TIME_WAIT sockets a dumped job leaves on its listener's port. A job that closed accepted
 * connections first leaves one per connection, kept by the kernel for a minute after the job was
 * killed; when its sockets lacked SO_REUSEADDR, they keep the restored listener from binding on
 * the same node (repair mode's forced reuse would get past them, but a listener cannot leave
 * repair mode). They are the job's own: a TIME_WAIT with that local port comes from a connection
 * accepted there, and the port was the job's listener's. The restore removes them (SOCK_DESTROY,
 * as ss -K does), which is the state a restore on another node starts from anyway.
 */
final class JobTimeWait {
    private static final Path OWN_NET = Path.of("/proc/self/net");

    private JobTimeWait() {
    }

    /**
     * Removes the TIME_WAIT sockets of crak's network namespace (the job's, unless it has one of
     * its own, where none can be) whose local port is the listener's; returns how many there were.
     */
    static int removeOnPort(InetEndpoint listener) throws CrakException {
        List<ProcNetSocket> held;
        try {
            held = ProcNetSocket.onPort(OWN_NET, listener.port(), ProcNetSocket.TCP_TIME_WAIT);
        } catch (IOException e) {
            throw new CrakException("TCP listener " + listener + ": port in use (EADDRINUSE); reading " + OWN_NET
                    + " to see by what: " + e.getMessage(), e);
        }
        for (ProcNetSocket tw : held) {
            try {
                InetDiagCalls.destroyTcp(tw.local().family(), tw.local().addressBytes(), tw.local().port(),
                        tw.remote().addressBytes(), tw.remote().port(), 1 << ProcNetSocket.TCP_TIME_WAIT);
            } catch (NativeException e) {
                throw new CrakException("TCP listener " + listener + ": port in use (EADDRINUSE) by " + held.size()
                        + " connection(s) in TIME_WAIT that the job closed before its dump, which the kernel keeps up to"
                        + " 60 s on this node, and removing them failed (" + e.getMessage() + "): restore on another"
                        + " node, or here once they are gone", e);
            }
        }
        return held.size();
    }
}
