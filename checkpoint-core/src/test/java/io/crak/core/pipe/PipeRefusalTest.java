package io.crak.core.pipe;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.core.CheckpointEngine;
import io.crak.core.ChildReaper;
import io.crak.core.CrakException;
import io.crak.core.DumpRequest;
import io.crak.core.image.DirectoryImageSink;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipe whose other end is held outside the dumped tree refuses the dump; the job goes on. */
@Tag("integration")
class PipeRefusalTest {
    @TempDir
    Path dir;

    @Test
    void pipeToAProcessOutsideTheTreeIsRefusedNamingIt() throws Exception {
        ChildReaper.get();
        // "sleep | cat": cat is dumped alone, its stdin's writer (sleep) is outside its tree
        Process sh = new ProcessBuilder("/bin/sh", "-c", "sleep 60 | cat >/dev/null & echo $!").start();
        int cat = Integer.parseInt(new String(sh.getInputStream().readAllBytes()).strip());
        sh.waitFor();
        Integer sleep = null;
        try {
            CrakException e = assertThrows(CrakException.class, () -> new CheckpointEngine()
                    .dump(DumpRequest.of(cat, false), new DirectoryImageSink(dir.resolve("images"))));
            Matcher m = Pattern.compile("pid " + cat + " fd 0: pipe:\\[\\d+\\] is also held by pid (\\d+) \\(sleep\\),"
                    + " outside the job; .*").matcher(e.getMessage());
            assertTrue(m.matches(), e.getMessage());
            sleep = Integer.parseInt(m.group(1));
            assertTrue(ProcessHandle.of(cat).map(ProcessHandle::isAlive).orElse(false), "cat goes on after the refusal");
        } finally {
            ProcessHandle.of(cat).ifPresent(ProcessHandle::destroyForcibly);
            if (sleep != null) {
                ProcessHandle.of(sleep).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
