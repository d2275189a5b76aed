package io.crak.core.ptrace;

import io.crak.core.jna.UserRegs;

/**
 * What the kernel would do to a thread stopped inside an interrupted system call on its way back
 * to user mode (arch_do_signal_or_restart with no handler to run), done by hand because a thread
 * resumed from our stops — or recreated from an image — does not pass through that path.
 */
public final class RestartFixup {
    private RestartFixup() {
    }

    /**
     * @param sameTask true when the registers go back into the very task they came from (its
     *     kernel restart block is intact, so -ERESTART_RESTARTBLOCK becomes restart_syscall); false
     *     for a restored task, which re-issues the original call instead.
     */
    public static UserRegs apply(UserRegs in, boolean sameTask) {
        UserRegs r = in.copy();
        if (r.orig_rax >= 0) {
            if (r.rax == Syscalls.ERESTARTSYS || r.rax == Syscalls.ERESTARTNOINTR || r.rax == Syscalls.ERESTARTNOHAND) {
                r.rax = r.orig_rax;
                r.rip -= Syscalls.SYSCALL_INSN_LEN;
            } else if (r.rax == Syscalls.ERESTART_RESTARTBLOCK) {
                r.rax = sameTask ? Syscalls.RESTART_SYSCALL : r.orig_rax;
                r.rip -= Syscalls.SYSCALL_INSN_LEN;
            }
        }
        r.orig_rax = -1;
        return r;
    }
}
