package io.crak.core.epoll;

import io.crak.core.files.FdState;
import java.util.List;

/** The descriptors registered in an epoll set, each with its events mask and user data. */
public record EpollState(List<Target> targets) implements FdState {
    /** One registration: target fd number in the same process, EPOLL* mask, epoll_data as 64 bits. */
    public record Target(int fd, int events, long data) {
    }
}
