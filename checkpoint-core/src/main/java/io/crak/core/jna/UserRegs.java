package io.crak.core.jna;

import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/** {@code struct user_regs_struct} of sys/user.h (x86-64), read and written by PTRACE_GETREGS. */
@FieldOrder({"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
    "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"})
public class UserRegs extends Structure {
    public static final int SIZE = 27 * 8;

    public long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs,
            eflags, rsp, ss, fs_base, gs_base, ds, es, fs, gs;

    public UserRegs() {
        super(ALIGN_NONE);
    }

    /** The raw 216 bytes, as stored in an image. */
    public byte[] toBytes() {
        write();
        return getPointer().getByteArray(0, SIZE);
    }

    public static UserRegs fromBytes(byte[] raw) {
        if (raw.length != SIZE) {
            throw new IllegalArgumentException("user_regs_struct is " + SIZE + " bytes, image has " + raw.length);
        }
        UserRegs r = new UserRegs();
        r.getPointer().write(0, raw, 0, SIZE);
        r.read();
        return r;
    }

    public UserRegs copy() {
        return fromBytes(toBytes());
    }
}
