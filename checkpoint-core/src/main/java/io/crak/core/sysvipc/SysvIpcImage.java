package io.crak.core.sysvipc;

import java.util.ArrayList;
import java.util.List;

/**
 * The SysV IPC objects of the job (held by the image of the tree's root): each with its id (kept
 * at restore), key, owner and permission bits, and contents.
 */
public final class SysvIpcImage {
    public List<Segment> segments = new ArrayList<>();
    public List<SemaphoreSet> semaphoreSets = new ArrayList<>();
    public List<MessageQueue> messageQueues = new ArrayList<>();

    /** Owner and permissions of an object (struct ipc64_perm); mode holds the 9 permission bits. */
    public record Owner(int key, int uid, int gid, int mode) {
    }

    /**
     * A shared memory segment: its size and every byte of it (base64); removed: IPC_RMID was done
     * while it was attached (SHM_DEST), it goes away with its last detach.
     */
    public record Segment(int id, Owner owner, long size, byte[] contents, boolean removed) {
    }

    /** A semaphore set: the value of each semaphore. */
    public record SemaphoreSet(int id, Owner owner, short[] values) {
    }

    /** A message queue: its messages in queue order. */
    public record MessageQueue(int id, Owner owner, List<Message> messages) {
    }

    public record Message(long type, byte[] text) {
    }
}
