package io.crak.core.jna;

/** Request numbers, options, events and regset types of linux/ptrace.h and linux/elf.h (x86-64). */
public final class Ptrace {
    public static final int PTRACE_PEEKDATA = 2;
    public static final int PTRACE_POKEDATA = 5;
    public static final int PTRACE_CONT = 7;
    public static final int PTRACE_KILL = 8;
    public static final int PTRACE_GETREGS = 12;
    public static final int PTRACE_SETREGS = 13;
    public static final int PTRACE_DETACH = 17;
    public static final int PTRACE_SYSCALL = 24;
    public static final int PTRACE_SETOPTIONS = 0x4200;
    public static final int PTRACE_GETEVENTMSG = 0x4201;
    public static final int PTRACE_GETSIGINFO = 0x4202;
    public static final int PTRACE_GETREGSET = 0x4204;
    public static final int PTRACE_SETREGSET = 0x4205;
    public static final int PTRACE_SEIZE = 0x4206;
    public static final int PTRACE_INTERRUPT = 0x4207;
    public static final int PTRACE_LISTEN = 0x4208;
    public static final int PTRACE_PEEKSIGINFO = 0x4209;
    public static final int PTRACE_GETSIGMASK = 0x420a;
    public static final int PTRACE_SETSIGMASK = 0x420b;
    public static final int PTRACE_GET_RSEQ_CONFIGURATION = 0x420f;

    public static final int PTRACE_O_TRACESYSGOOD = 0x1;
    public static final int PTRACE_O_TRACEFORK = 0x2;
    public static final int PTRACE_O_TRACEVFORK = 0x4;
    public static final int PTRACE_O_TRACECLONE = 0x8;
    public static final int PTRACE_O_TRACEEXIT = 0x40;

    public static final int PTRACE_EVENT_FORK = 1;
    public static final int PTRACE_EVENT_VFORK = 2;
    public static final int PTRACE_EVENT_CLONE = 3;
    public static final int PTRACE_EVENT_EXIT = 6;
    public static final int PTRACE_EVENT_STOP = 128;

    /** PTRACE_PEEKSIGINFO flag: read the process-wide (shared) queue instead of the thread's. */
    public static final int PTRACE_PEEKSIGINFO_SHARED = 1;

    public static final int NT_PRSTATUS = 1;
    public static final int NT_PRFPREG = 2;
    public static final int NT_X86_XSTATE = 0x202;

    /** waitpid flags of linux/wait.h. */
    public static final int WNOHANG = 1;
    public static final int WUNTRACED = 2;
    public static final int __WALL = 0x40000000;

    public static final int SIGKILL = 9;
    public static final int SIGTRAP = 5;
    public static final int SIGSTOP = 19;
    public static final int SIGCHLD = 17;

    private Ptrace() {
    }
}
