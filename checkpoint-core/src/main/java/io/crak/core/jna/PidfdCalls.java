package io.crak.core.jna;

/**
 * pidfd_open(2) and pidfd_getfd(2): how crak takes a duplicate of a descriptor of another
 * process (a job's socket at dump, a userfaultfd a restored process made) without its help.
 */
public final class PidfdCalls {
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_GETFD = 438;

    private PidfdCalls() {
    }

    /** A duplicate, in this process, of descriptor fd of process pid (same open file description, close-on-exec). */
    public static int duplicate(int pid, int fd) throws NativeException {
        int pidfd = (int) LibC.checkedSyscall("pidfd_open of pid " + pid, SYS_PIDFD_OPEN, pid, 0);
        try {
            return (int) LibC.checkedSyscall("pidfd_getfd of pid " + pid + " fd " + fd, SYS_PIDFD_GETFD, pidfd, fd, 0);
        } finally {
            FdCalls.close(pidfd);
        }
    }
}
