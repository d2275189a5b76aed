package io.crak.core.sysvipc;

import io.crak.core.CrakException;
import io.crak.core.Resource;
import io.crak.core.RestoreContext;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.SysvIpcCalls;
import io.crak.core.jna.SysvIpcCalls.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Recreates the job's SysV IPC objects, from crak's own process, with their ids: the id the next
 * object of a kind gets is set through /proc/sys/kernel/{shm,sem,msg}_next_id (CONFIG_CHECKPOINT_RESTORE)
 * just before creating it. Then contents, owner and permissions. Runs with the root's image,
 * before any memory is restored, so that /SYSV mappings can attach their segments.
 */
public final class SysvIpcRestorer implements Resource.Restorer {
    private static final int IPC_PRIVATE = 0;
    private static final int CREATE_MODE = 0600;

    @Override
    public void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException {
        SysvIpcImage img = image.sysvIpc;
        if (img == null) {
            return;
        }
        synchronized (SysvIpcRestorer.class) { // next_id is one per namespace
            try {
                for (SysvIpcImage.Segment s : img.segments) {
                    int id = create(Kind.SHM, s.id(), s.owner(), "shmid",
                            k -> SysvIpcCalls.shmget(k, s.size(), flags()));
                    SysvIpcCalls.writeSegment(id, s.contents());
                    own(Kind.SHM, id, s.owner());
                    if (s.removed()) {
                        // marked again once the processes have attached it: it must outlive the restore
                        ctx.session.afterAllRestored.add(() -> remove(id));
                    }
                }
                for (SysvIpcImage.SemaphoreSet s : img.semaphoreSets) {
                    int id = create(Kind.SEM, s.id(), s.owner(), "semid",
                            k -> SysvIpcCalls.semget(k, s.values().length, flags()));
                    SysvIpcCalls.setSemValues(id, s.values());
                    own(Kind.SEM, id, s.owner());
                }
                for (SysvIpcImage.MessageQueue q : img.messageQueues) {
                    int id = create(Kind.MSG, q.id(), q.owner(), "msqid", k -> SysvIpcCalls.msgget(k, flags()));
                    for (SysvIpcImage.Message m : q.messages()) {
                        SysvIpcCalls.send(id, new SysvIpcCalls.Message(m.type(), m.text()));
                    }
                    own(Kind.MSG, id, q.owner());
                }
            } catch (NativeException e) {
                throw new CrakException("pid " + ctx.pid() + ": " + e.getMessage(), e);
            }
        }
    }

    private static void remove(int shmid) throws CrakException {
        try {
            SysvIpcCalls.remove(Kind.SHM, shmid);
        } catch (NativeException e) {
            throw new CrakException("marking SysV shm id " + shmid + " removed again: " + e.getMessage(), e);
        }
    }

    private static int flags() {
        return SysvIpcCalls.IPC_CREAT | SysvIpcCalls.IPC_EXCL | CREATE_MODE;
    }

    private interface Creation {
        int create(int key) throws NativeException;
    }

    private static int create(Kind kind, int wanted, SysvIpcImage.Owner owner, String idColumn, Creation creation)
            throws CrakException, IOException, NativeException {
        String table = kind.name().toLowerCase();
        for (Map<String, String> row : SysvIpcTable.read(table)) {
            if (SysvIpcTable.num(row, idColumn) == wanted) {
                throw new CrakException(kind.what + " id " + wanted + " exists already (key " + row.get("key")
                        + "); the job's object cannot get its id back");
            }
        }
        Path nextId = Path.of("/proc/sys/kernel", table + "_next_id");
        Files.writeString(nextId, Integer.toString(wanted));
        int id;
        try {
            id = creation.create(owner.key() == IPC_PRIVATE ? IPC_PRIVATE : owner.key());
        } catch (NativeException e) {
            throw new CrakException(kind.what + " id " + wanted + " (key " + owner.key() + "): " + e.getMessage(), e);
        }
        if (id != wanted) {
            SysvIpcCalls.remove(kind, id);
            throw new CrakException(kind.what + " id " + wanted + " came back as id " + id + " (" + nextId
                    + " raced with another creator)");
        }
        return id;
    }

    private static void own(Kind kind, int id, SysvIpcImage.Owner o) throws NativeException {
        SysvIpcCalls.setOwner(kind, id, o.uid(), o.gid(), o.mode());
    }
}
