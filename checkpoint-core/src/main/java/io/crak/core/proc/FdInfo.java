package io.crak.core.proc;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * /proc/PID/fdinfo/FD: position, open flags and mount of any fd, plus the kind-specific lines
 * (eventfd, epoll, inotify, timerfd, signalfd...) decoded on request.
 *
 * @param flags the open(2) flags (O_*, including O_CLOEXEC), printed in octal by the kernel
 * @param mntId the mount id (matches {@link MountInfo#mountId()})
 * @param ino inode number of the open file, -1 on kernels that do not print it
 * @param lines every other line, in file order
 */
public record FdInfo(long pos, int flags, int mntId, long ino, List<FdInfoLine> lines) {
    public FdInfo {
        lines = List.copyOf(lines);
    }

    /** The value of the first line with this key, e.g. {@code value("eventfd-count")}. */
    public Optional<String> value(String key) {
        for (FdInfoLine line : lines) {
            if (line.key().equals(key)) {
                return Optional.of(line.value());
            }
        }
        return Optional.empty();
    }

    /** The counter of an eventfd (printed in hexadecimal by the kernel). */
    public OptionalLong eventfdCount() {
        return value("eventfd-count")
                .map(v -> OptionalLong.of(Long.parseUnsignedLong(v.strip(), 16)))
                .orElse(OptionalLong.empty());
    }

    /** Whether an eventfd was created with EFD_SEMAPHORE; empty for other fds or old kernels. */
    public Optional<Boolean> eventfdSemaphore() {
        return value("eventfd-semaphore").map(v -> !v.strip().equals("0"));
    }

    /** The fds registered in an epoll set; empty for any other kind of fd. */
    public List<EpollTarget> epollTargets() {
        return FdInfoParser.epollTargets(lines);
    }

    /** The watches of an inotify fd; empty for any other kind of fd. */
    public List<InotifyWatch> inotifyWatches() {
        return FdInfoParser.inotifyWatches(lines);
    }

    public Optional<TimerFdState> timerfd() {
        return FdInfoParser.timerfd(this);
    }

    /** The signal mask a signalfd reads (bit n-1 = signal n). */
    public OptionalLong signalfdMask() {
        return value("sigmask")
                .map(v -> OptionalLong.of(Long.parseUnsignedLong(v.strip(), 16)))
                .orElse(OptionalLong.empty());
    }
}
