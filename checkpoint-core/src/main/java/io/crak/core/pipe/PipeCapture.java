package io.crak.core.pipe;

import io.crak.core.CrakException;
import io.crak.core.DumpContext;
import io.crak.core.DumpSession;
import io.crak.core.jna.FdCalls;
import io.crak.core.jna.NativeException;
import io.crak.core.jna.PipeCalls;
import io.crak.core.proc.FdInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Stream;

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

    /** Per dump: anonymous pipes held by processes outside the tree, by link, with one such holder. */
    private static final Map<DumpSession, Map<String, Integer>> OUTSIDE = Collections.synchronizedMap(new WeakHashMap<>());

    private PipeCapture() {
    }

    /**
     * Every process of the host outside the tree that holds a pipe, found once per dump: its end
     * would be cut off from the restored pipe. Crak's own process is skipped (it holds none of the
     * job's pipes, only those of other dumps it is running).
     */
    private static Map<String, Integer> holdersOutside(DumpContext ctx) throws IOException {
        Map<String, Integer> found = OUTSIDE.get(ctx.session);
        if (found != null) {
            return found;
        }
        found = new HashMap<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(ctx.proc.root())) {
            for (Path proc : procs.toList()) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                int pid = Integer.parseInt(name);
                if (pid == self || ctx.session.treePids.contains(pid)) {
                    continue;
                }
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    for (Path fd : fds.toList()) {
                        try {
                            String l = Files.readSymbolicLink(fd).toString();
                            if (l.startsWith("pipe:")) {
                                found.putIfAbsent(l, pid);
                            }
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException e) {
                    // gone meanwhile, or a kernel thread
                }
            }
        }
        OUTSIDE.put(ctx.session, found);
        return found;
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static PipeState capture(DumpContext ctx, int fd, String link, FdInfo info) throws CrakException, IOException {
        int pid = ctx.pid();
        if ((info.flags() & O_DIRECT) != 0) {
            throw new CrakException("pid " + pid + " fd " + fd + ": " + link
                    + " is a packet-mode pipe (O_DIRECT), not supported");
        }
        String id = String.valueOf(Files.readAttributes(ctx.proc.path(pid, "fd/" + fd), BasicFileAttributes.class)
                .fileKey());
        if (link.startsWith("pipe:")) {
            Integer outside = holdersOutside(ctx).get(link);
            if (outside != null) {
                throw new CrakException("pid " + pid + " fd " + fd + ": " + link + " is also held by pid " + outside
                        + " (" + comm(outside) + "), outside the job; a pipe to a process outside the job is not supported");
            }
        }
        boolean first = CAPTURED.computeIfAbsent(ctx.session, s -> new HashSet<>()).add(id);
        String via = "/proc/" + pid + "/fd/" + fd;
        int own;
        try {
            own = FdCalls.open(via, FdCalls.O_RDONLY | FdCalls.O_NONBLOCK);
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + " fd " + fd + ": " + link + ": " + e.getMessage(), e);
        }
        try {
            return new PipeState(id, PipeCalls.capacity(own), first ? PipeCalls.peek(own) : null);
        } catch (NativeException e) {
            throw new CrakException("pid " + pid + " fd " + fd + ": reading what " + link + " holds: " + e.getMessage(), e);
        } finally {
            FdCalls.close(own);
        }
    }
}
