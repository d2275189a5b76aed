package io.crak.core;

import io.crak.core.files.FdKind;
import io.crak.core.files.RegularFiles;
import java.util.List;
import java.util.Optional;

/**
 * The kinds of file descriptor the engine can checkpoint, asked in this order which one handles a
 * descriptor (the first that does wins; order only matters where two could claim one link).
 */
public final class FdKinds {
    public static final List<FdKind> ORDER = List.of(
            new io.crak.core.pipe.Fifos(), // before RegularFiles, which claims every path
            new io.crak.core.pipe.Pipes(),
            new io.crak.core.unixsock.UnixSockets(), // before any other socket kind: it checks /proc/net/unix
            new io.crak.core.unlinked.UnlinkedFiles(), // before RegularFiles: "/path (deleted)" links
            new io.crak.core.eventfd.EventFds(),
            new io.crak.core.timerfd.TimerFds(),
            new io.crak.core.signalfd.SignalFds(),
            new io.crak.core.inotify.Inotifies(),
            new io.crak.core.epoll.Epolls(), // its finish() registers fds of any kind: keep kinds that replace fds in finish() before it
            new io.crak.core.pty.Ptys(), // before RegularFiles, which claims /dev/pts/N as a device
            new RegularFiles(),
            new io.crak.core.inet.InetSockets()); // last: every socket the kinds before did not claim

    private FdKinds() {
    }

    /** The kind of a descriptor of a process whose /proc/PID/net is procNet. */
    public static Optional<FdKind> forLink(String link, java.nio.file.Path procNet) {
        return ORDER.stream().filter(k -> k.handles(link, procNet)).findFirst();
    }

    public static FdKind named(String name) throws CrakException {
        return ORDER.stream().filter(k -> k.name().equals(name)).findFirst()
                .orElseThrow(() -> new CrakException("image names descriptor kind '" + name + "', unknown to this crak"));
    }
}
