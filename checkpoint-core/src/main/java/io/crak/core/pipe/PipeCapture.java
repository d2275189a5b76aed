package io.crak.core.pipe;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.DumpSession;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PipeCalls;
import io.crak.core.proc.FdInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Captures a pipe or FIFO description at dump: the buffered bytes are read without consuming them
 * (crak opens /proc/PID/fd/N for reading, which gives it a descriptor of the same pipe, and tees
 * them out), once per pipe.
 */
final class PipeCapture {
    /** Packet-mode pipes (pipe2 O_DIRECT) keep write boundaries that a byte copy would lose. */
    static final int O_DIRECT = 040000;
    /** Pipes already captured, per dump: the kinds are shared by all dumps of this JVM. */
    private static final Map<DumpSession, Set<String>> CAPTURED = Collections.synchronizedMap(new WeakHashMap<>());

    private PipeCapture() {
    }

    static PipeState capture(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        int pid = ctx.pid();
        if ((info.flags() & O_DIRECT) != 0) {
            throw new CrakException("pid " + pid + " fd " + fd + ": " + link
                    + " is a packet-mode pipe (O_DIRECT), not supported");
        }
        String id = String.valueOf(Files.readAttributes(ctx.proc.path(pid, "fd/" + fd), BasicFileAttributes.class)
                .fileKey());
        boolean first = CAPTURED.computeIfAbsent(ctx.session, s -> new HashSet<>()).add(id);
        String via = "/proc/" + pid + "/fd/" + fd;
        int own;
        try {
            own = PipeCalls.open(via, PipeCalls.O_RDONLY | PipeCalls.O_NONBLOCK);
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + " fd " + fd + ": " + link + ": " + e.getMessage(), e);
        }
        try {
            return new PipeState(id, PipeCalls.capacity(own), first ? PipeCalls.peek(own) : null);
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + " fd " + fd + ": reading what " + link + " holds: " + e.getMessage(), e);
        } finally {
            PipeCalls.close(own);
        }
    }
}
