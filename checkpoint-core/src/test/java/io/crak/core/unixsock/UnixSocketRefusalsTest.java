package io.crak.core.unixsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.ExitStatus;
import io.crak.core.image.DirectoryImageSink;
import io.crak.core.pipe.NativeTestProgram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine cannot rebuild is refused up front, in one line naming pid, fd and socket, and
 * the job goes on as if nothing happened (see refusals.c).
 */
@Tag("integration")
class UnixSocketRefusalsTest {
    @TempDir
    Path dir;

    @Test
    void peerOutsideTheTreeAndDescriptorsInFlightAreRefusedAndTheJobGoesOn() throws Exception {
        Path exe = NativeTestProgram.build("unixsock/refusals.c", dir);
        Path go = dir.resolve("go");
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"), List.of(exe.toString(), go.toString()));
        try {
            p.awaitLine("ready");
            int child = Integer.parseInt(p.output().lines().filter(l -> l.startsWith("child ")).findFirst().orElseThrow()
                    .substring("child ".length()));

            CrakException outside = assertThrows(CrakException.class, () -> new CheckpointEngine()
                    .dump(DumpRequest.of(child, false), new DirectoryImageSink(dir.resolve("images-child"))));
            assertTrue(outside.getMessage().matches("pid " + child + " fd \\d+: unix socket socket:\\[\\d+\\] is connected to"
                    + " socket:\\[\\d+\\].*outside the job.*"), outside.getMessage());

            CrakException inFlight = assertThrows(CrakException.class, () -> new CheckpointEngine()
                    .dump(DumpRequest.of(p.pid(), false), new DirectoryImageSink(dir.resolve("images-tree"))));
            assertTrue(inFlight.getMessage().matches("pid " + p.pid() + " fd \\d+: unix socket .*SCM_RIGHTS.*"),
                    inFlight.getMessage());
            assertEquals(1, inFlight.getMessage().lines().count());

            Files.createFile(go);
            ExitStatus st = p.awaitExit();
            String out = p.output();
            assertEquals(0, st.shellStatus(), () -> "refusals test program: " + st + "\n" + out);
            assertTrue(out.contains("child: ok\n") && out.endsWith("REFUSALS OK\n"), out);
        } finally {
            p.kill();
        }
    }

    /** Picks the pid to dump from the running program. */
    private interface Target {
        int pid(NativeTestProgram p) throws Exception;
    }

    /**
     * Starts pending.c (with {@code extra} arguments), asserts that a dump of the pid {@code target}
     * picks is refused in one line matching the regex {@code message} gives for that pid, then
     * lets the program finish: untouched, it passes.
     */
    private void pendingRefused(List<String> extra, Target target, java.util.function.IntFunction<String> message)
            throws Exception {
        Path exe = NativeTestProgram.build("unixsock/pending.c", dir);
        Path go = dir.resolve("go");
        List<String> command = new java.util.ArrayList<>(List.of(exe.toString(), dir.toString(), go.toString()));
        command.addAll(extra);
        NativeTestProgram p = NativeTestProgram.start(dir.resolve("out"), command);
        try {
            p.awaitLine("ready");
            int pid = target.pid(p);
            CrakException refused = assertThrows(CrakException.class, () -> new CheckpointEngine()
                    .dump(DumpRequest.of(pid, false), new DirectoryImageSink(dir.resolve("images"))));
            assertTrue(refused.getMessage().matches(message.apply(pid)), refused.getMessage());
            assertEquals(1, refused.getMessage().lines().count());
            Files.createFile(go);
            ExitStatus st = p.awaitExit();
            String out = p.output();
            assertEquals(0, st.shellStatus(), () -> "pending test program after the refusal: " + st + "\n" + out);
            assertTrue(out.contains("child: ok\n") && out.endsWith("PENDING OK\n"), out);
        } finally {
            p.kill();
        }
    }

    private String listener() {
        return java.util.regex.Pattern.quote(dir.resolve("pending.sock").toString());
    }

    @Test
    void aConnectionNotYetAcceptedThatWasAlreadySentDataIsRefusedAndTheJobGoesOn() throws Exception {
        pendingRefused(List.of("early-data"), NativeTestProgram::pid, pid -> "pid " + pid
                + " fd \\d+: unix socket socket:\\[\\d+\\] listening on " + listener() + " has a connection not yet "
                + "accepted from socket:\\[\\d+\\], which already sent data on it, not supported.*");
    }

    @Test
    void aClientWaitingForAListenerOutsideTheTreeIsRefusedAndTheJobGoesOn() throws Exception {
        // the child alone: its connection waits in the parent's listener, outside the dumped tree
        pendingRefused(List.of(), p -> Integer.parseInt(Files.readString(Path.of("/proc", Integer.toString(p.pid()),
                "task", Integer.toString(p.pid()), "children")).strip()), pid -> "pid " + pid
                + " fd \\d+: unix socket socket:\\[\\d+\\] waits to be accepted by listener socket:\\[\\d+\\] "
                + listener() + ", which no process of the tree holds \\(outside the job\\), not supported");
    }
}
