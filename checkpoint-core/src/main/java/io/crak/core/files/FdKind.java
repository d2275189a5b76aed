package io.crak.core.files;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.RestoreContext;
import io.crak.core.RestoreSession;
import io.crak.core.proc.FdInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One kind of file descriptor (regular file, pipe, unix socket, eventfd...): how to recognise it,
 * capture what it holds, and open an equivalent one in a process being restored. The kinds are
 * listed once, in {@link io.crak.core.FdKinds}; descriptors no kind handles are refused.
 *
 * <p>What every kind shares is done around it: descriptors sharing one open file description
 * (fork, dup) are found with kcmp and restored by duplication, so a kind sees each open file
 * description once; the fd number, close-on-exec flag and (for {@link #seekable} kinds) the
 * offset are set by {@link FilesRestorer}.
 */
public interface FdKind {
    /** Short name stored in the image ("file", "pipe", ...). */
    String name();

    /**
     * Whether this kind handles a descriptor whose /proc/PID/fd/N link is {@code link};
     * {@code procNet} is /proc/PID/net of its process (the socket tables of its network namespace).
     */
    boolean handles(String link, Path procNet);

    /**
     * Captures the descriptor's state, or refuses it with a one-line reason naming pid and fd.
     *
     * @return the kind's record, or null when path, flags and offset say everything
     */
    FdState dump(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException;

    /**
     * Opens an equivalent descriptor in the process being restored (through injected system
     * calls) and returns its number there; the caller moves it to the dumped number.
     */
    long open(RestoreContext ctx, FdImage fd) throws CrakException, IOException;

    /** Whether the offset is restored with lseek after {@link #open}. */
    default boolean seekable() {
        return false;
    }

    /**
     * Called once after every process of the tree has its descriptors (and before any runs):
     * to close helper descriptors, connect peers, refill queues.
     */
    default void finish(RestoreSession session) throws CrakException, IOException {
    }

    /**
     * Called instead of {@link #finish} when the restore fails and its tree is killed: closes the
     * descriptors crak itself holds for this restore (helpers inside the tree die with it) and
     * forgets the restore, so that a long-lived caller (the agent) leaks nothing.
     */
    default void abandon(RestoreSession session) {
    }
}
