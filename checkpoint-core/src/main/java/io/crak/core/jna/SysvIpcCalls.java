package io.crak.core.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * SysV IPC system calls (sys/shm.h, sys/sem.h, sys/msg.h; raw x86-64 syscalls, whose *ctl
 * commands take the 64-bit structures directly) made from crak's own process: the objects live
 * in the IPC namespace, not in a process, so crak reads and recreates them itself.
 */
public final class SysvIpcCalls {
    private static final LibC C = LibC.INSTANCE;
    private static final long SYS_SHMGET = 29;
    private static final long SYS_SHMAT = 30;
    private static final long SYS_SHMCTL = 31;
    private static final long SYS_SEMGET = 64;
    private static final long SYS_SEMCTL = 66;
    private static final long SYS_SHMDT = 67;
    private static final long SYS_MSGGET = 68;
    private static final long SYS_MSGSND = 69;
    private static final long SYS_MSGRCV = 70;
    private static final long SYS_MSGCTL = 71;
    public static final int IPC_CREAT = 01000;
    public static final int IPC_EXCL = 02000;
    public static final int IPC_NOWAIT = 04000;
    private static final int IPC_RMID = 0;
    private static final int IPC_SET = 1;
    private static final int IPC_STAT = 2;
    private static final int GETPID = 11;
    private static final int GETALL = 13;
    private static final int SETALL = 17;
    private static final int SHM_RDONLY = 010000;
    private static final int MSG_COPY = 040000;
    /** struct shmid64_ds / semid64_ds / msqid64_ds all fit; struct ipc64_perm is at offset 0. */
    private static final int IPC_DS_BYTES = 256;
    private static final int PERM_UID_OFFSET = 4;
    private static final int PERM_GID_OFFSET = 8;
    private static final int PERM_MODE_OFFSET = 20;

    /** Which kind of object: its get/ctl system calls and a name for messages. */
    public enum Kind {
        SHM(SYS_SHMCTL, "SysV shm"), SEM(SYS_SEMCTL, "SysV semaphore set"), MSG(SYS_MSGCTL, "SysV message queue");

        final long ctl;
        public final String what;

        Kind(long ctl, String what) {
            this.ctl = ctl;
            this.what = what;
        }
    }

    private SysvIpcCalls() {
    }

    private static long sys(String what, long nr, long a1, long a2, long a3, long a4, long a5) throws NativeException {
        try {
            return C.syscall(nr, a1, a2, a3, a4, a5, 0);
        } catch (LastErrorException e) {
            throw new NativeException(what, e.getErrorCode());
        }
    }

    public static int shmget(int key, long size, int flags) throws NativeException {
        return (int) sys("shmget of key " + key, SYS_SHMGET, key, size, flags, 0, 0);
    }

    public static int semget(int key, int nsems, int flags) throws NativeException {
        return (int) sys("semget of key " + key, SYS_SEMGET, key, nsems, flags, 0, 0);
    }

    public static int msgget(int key, int flags) throws NativeException {
        return (int) sys("msgget of key " + key, SYS_MSGGET, key, flags, 0, 0, 0);
    }

    /** The whole segment's bytes, through a read-only attach that is detached again. */
    public static byte[] readSegment(int shmid, int size) throws NativeException {
        long addr = sys("shmat of shm id " + shmid, SYS_SHMAT, shmid, 0, SHM_RDONLY, 0, 0);
        try {
            return new Pointer(addr).getByteArray(0, size);
        } finally {
            sys("shmdt of shm id " + shmid, SYS_SHMDT, addr, 0, 0, 0, 0);
        }
    }

    public static void writeSegment(int shmid, byte[] data) throws NativeException {
        long addr = sys("shmat of shm id " + shmid, SYS_SHMAT, shmid, 0, 0, 0, 0);
        try {
            new Pointer(addr).write(0, data, 0, data.length);
        } finally {
            sys("shmdt of shm id " + shmid, SYS_SHMDT, addr, 0, 0, 0, 0);
        }
    }

    public static short[] semValues(int semid, int nsems) throws NativeException {
        try (Memory m = new Memory(Math.max(2, nsems * 2L))) {
            sys("semctl(GETALL) of semaphore set " + semid, SYS_SEMCTL, semid, 0, GETALL, Pointer.nativeValue(m), 0);
            return m.getShortArray(0, nsems);
        }
    }

    public static void setSemValues(int semid, short[] values) throws NativeException {
        try (Memory m = new Memory(Math.max(2, values.length * 2L))) {
            m.write(0, values, 0, values.length);
            sys("semctl(SETALL) of semaphore set " + semid, SYS_SEMCTL, semid, 0, SETALL, Pointer.nativeValue(m), 0);
        }
    }

    /** The pid of the last operation on semaphore num (semctl GETPID). */
    public static int semLastPid(int semid, int num) throws NativeException {
        return (int) sys("semctl(GETPID) of semaphore set " + semid, SYS_SEMCTL, semid, num, GETPID, 0, 0);
    }

    /** Message number index of the queue (msgrcv MSG_COPY: the queue is left as it is). */
    public static Message copyMessage(int msqid, int index, int maxBytes) throws NativeException {
        try (Memory m = new Memory(8 + maxBytes)) {
            long n = sys("msgrcv(MSG_COPY) of message " + index + " of queue " + msqid, SYS_MSGRCV, msqid,
                    Pointer.nativeValue(m), maxBytes, index, IPC_NOWAIT | MSG_COPY);
            return new Message(m.getLong(0), m.getByteArray(8, (int) n));
        }
    }

    public static void send(int msqid, Message msg) throws NativeException {
        try (Memory m = new Memory(8 + Math.max(1, msg.text().length))) {
            m.setLong(0, msg.type());
            m.write(8, msg.text(), 0, msg.text().length);
            sys("msgsnd to queue " + msqid, SYS_MSGSND, msqid, Pointer.nativeValue(m), msg.text().length, IPC_NOWAIT, 0);
        }
    }

    /** A message: its mtype and its bytes. */
    public record Message(long type, byte[] text) {
    }

    /** Sets owner and permission bits (IPC_STAT, change, IPC_SET). */
    public static void setOwner(Kind kind, int id, int uid, int gid, int mode) throws NativeException {
        try (Memory m = new Memory(IPC_DS_BYTES)) {
            m.clear();
            String what = kind.what + " " + id;
            ctl("IPC_STAT of " + what, kind, id, IPC_STAT, Pointer.nativeValue(m));
            m.setInt(PERM_UID_OFFSET, uid);
            m.setInt(PERM_GID_OFFSET, gid);
            m.setShort(PERM_MODE_OFFSET, (short) mode);
            ctl("IPC_SET of " + what, kind, id, IPC_SET, Pointer.nativeValue(m));
        }
    }

    public static void remove(Kind kind, int id) throws NativeException {
        ctl("IPC_RMID of " + kind.what + " " + id, kind, id, IPC_RMID, 0);
    }

    /** shmctl/msgctl(id, cmd, buf), semctl(id, semnum 0, cmd, buf). */
    private static void ctl(String what, Kind kind, int id, int cmd, long buf) throws NativeException {
        if (kind == Kind.SEM) {
            sys(what, kind.ctl, id, 0, cmd, buf, 0);
        } else {
            sys(what, kind.ctl, id, cmd, buf, 0, 0);
        }
    }
}
