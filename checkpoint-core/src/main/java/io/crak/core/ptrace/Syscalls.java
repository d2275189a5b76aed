package io.crak.core.ptrace;

/** x86-64 system call numbers (asm/unistd_64.h) the engine injects into tracees. */
public final class Syscalls {
    public static final long READ = 0;
    public static final long OPEN = 2;
    public static final long OPENAT = 257;
    public static final long PREAD64 = 17;
    public static final long CLOSE = 3;
    public static final long LSEEK = 8;
    public static final long MMAP = 9;
    public static final long BRK = 12;
    public static final long MPROTECT = 10;
    public static final long MUNMAP = 11;
    public static final long RT_SIGACTION = 13;
    public static final long RT_SIGPROCMASK = 14;
    public static final long MREMAP = 25;
    public static final long MADVISE = 28;
    public static final long SHMAT = 30;
    public static final long DUP2 = 33;
    public static final long GETITIMER = 36;
    public static final long SETITIMER = 38;
    public static final long EXIT = 60;
    public static final long WAIT4 = 61;
    public static final long KILL = 62;
    public static final long FCNTL = 72;
    public static final long CHDIR = 80;
    public static final long FCHDIR = 81;
    public static final long UMASK = 95;
    public static final long SETPGID = 109;
    public static final long SETSID = 112;
    public static final long SETRESUID = 117;
    public static final long SETRESGID = 119;
    public static final long SETGROUPS = 116;
    public static final long CAPSET = 126;
    public static final long RT_SIGQUEUEINFO = 129;
    public static final long SIGALTSTACK = 131;
    public static final long PERSONALITY = 135;
    public static final long PRCTL = 157;
    public static final long ARCH_PRCTL = 158;
    public static final long CHROOT = 161;
    public static final long SETRLIMIT = 160;
    public static final long SET_TID_ADDRESS = 218;
    public static final long RESTART_SYSCALL = 219;
    public static final long EXIT_GROUP = 231;
    public static final long RT_TGSIGQUEUEINFO = 297;
    public static final long SET_ROBUST_LIST = 273;
    public static final long PRLIMIT64 = 302;
    public static final long RSEQ = 334;
    public static final long CLONE3 = 435;
    public static final long PIDFD_OPEN = 434;
    public static final long PIDFD_GETFD = 438;
    public static final long USERFAULTFD = 323;
    public static final long MOUNT = 165;
    /** Pipes and unix sockets (io.crak.core.pipe, io.crak.core.unixsock). */
    public static final long PIPE2 = 293;
    public static final long SOCKET = 41;
    public static final long CONNECT = 42;
    public static final long SHUTDOWN = 48;
    public static final long BIND = 49;
    public static final long LISTEN = 50;
    public static final long SOCKETPAIR = 53;
    public static final long SETSOCKOPT = 54;
    /** Anonymous-inode descriptors, memfd and unlinked files (io.crak.core.eventfd, timerfd, ...). */
    public static final long WRITE = 1;
    public static final long IOCTL = 16;
    public static final long EPOLL_CTL = 233;
    public static final long INOTIFY_ADD_WATCH = 254;
    public static final long TIMERFD_CREATE = 283;
    public static final long TIMERFD_SETTIME = 286;
    public static final long TIMERFD_GETTIME = 287;
    public static final long SIGNALFD4 = 289;
    public static final long EVENTFD2 = 290;
    public static final long EPOLL_CREATE1 = 291;
    public static final long INOTIFY_INIT1 = 294;

    /** Kernel-internal restart codes seen in rax of a thread stopped inside a system call. */
    public static final long ERESTARTSYS = -512;
    public static final long ERESTARTNOINTR = -513;
    public static final long ERESTARTNOHAND = -514;
    public static final long ERESTART_RESTARTBLOCK = -516;

    /** Length of the {@code syscall} instruction (0f 05). */
    public static final int SYSCALL_INSN_LEN = 2;

    private Syscalls() {
    }
}
