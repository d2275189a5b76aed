package io.crak.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.ChildReaper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-process state a job does not exercise by itself — cwd, umask, limits, handlers with
 * SA_ONSTACK and the alternate stack, blocked and pending signals, itimers, madvise advice,
 * read-only and PROT_NONE areas, thread names, a zombie and a user-stopped child, memory shared
 * with a child, and nothing left over from filling the pages (no userfaultfd, no registered
 * range) — set up by src/test/c/engine-state.c, dumped, killed, restored, and checked by the
 * program itself.
 */
@Tag("integration")
class EngineStateEndToEndTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void reapOrphans() {
        ChildReaper.get();
    }

    @Test
    void everyPropertySurvivesDumpKillRestore() throws Exception {
        Path bin = dir.resolve("engine-state");
        Process cc = new ProcessBuilder("gcc", "-O1", "-Wall", "-Werror", "-o", bin.toString(),
                Path.of("src/test/c/engine-state.c").toAbsolutePath().toString(), "-pthread").inheritIO().start();
        assertEquals(0, cc.waitFor());
        Path out = dir.resolve("out");
        Path log = dir.resolve("log");
        Process p = new ProcessBuilder(bin.toString()).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!CrakCli.read(out).contains("ready")) {
            assertTrue(System.nanoTime() < deadline && p.isAlive(), "the program did not get ready: " + CrakCli.read(out));
            Thread.sleep(20);
        }
        Path images = dir.resolve("images");
        assertEquals(0, CrakCli.run(log, "dump", "--pid", Long.toString(p.pid()), "--images", images.toString()),
                () -> CrakCli.read(log));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the dumped program was not killed");
        Process restore = CrakCli.command(log, "restore", "--images", images.toString()).start();
        while (!CrakCli.read(log).contains("crak: restored")) {
            assertTrue(restore.isAlive(), () -> "restore failed: " + CrakCli.read(log));
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-USR2", Long.toString(p.pid())).start().waitFor();
        assertTrue(restore.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, restore.exitValue(), () -> CrakCli.read(out) + CrakCli.read(log));
        assertTrue(CrakCli.read(out).contains("\nok"), () -> CrakCli.read(out));
    }

}
