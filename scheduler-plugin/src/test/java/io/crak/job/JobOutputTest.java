package io.crak.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOutputTest {
    @TempDir
    Path dir;

    @Test
    void classifiesFdTargets() throws IOException {
        Path file = Files.createFile(dir.resolve("out"));
        assertEquals(JobOutput.FdKind.PIPE, JobOutput.kindOfLink("pipe:[1234]"));
        assertEquals(JobOutput.FdKind.SOCKET, JobOutput.kindOfLink("socket:[99]"));
        assertEquals(JobOutput.FdKind.DEV_NULL, JobOutput.kindOfLink("/dev/null"));
        assertEquals(JobOutput.FdKind.TERMINAL, JobOutput.kindOfLink("/dev/pts/3"));
        assertEquals(JobOutput.FdKind.REGULAR_FILE, JobOutput.kindOfLink(file.toString()));
        assertEquals(JobOutput.FdKind.OTHER, JobOutput.kindOfLink(file + " (deleted)"));
        assertEquals(JobOutput.FdKind.OTHER, JobOutput.kindOfLink("anon_inode:[eventfd]"));
        assertTrue(JobOutput.FdKind.TERMINAL.checkpointable());
        assertFalse(JobOutput.FdKind.PIPE.checkpointable());
    }

    @Test
    void followsThisProcessOnlyWhereCheckpointable() {
        // surefire gives this JVM pipes (or files, with redirectTestOutputToFile) as stdout/stderr
        JobOutput out = JobOutput.followingThisProcess(dir);
        for (int fd = 1; fd <= 2; fd++) {
            Redirect r = fd == 1 ? out.stdout() : out.stderr();
            String name = fd == 1 ? JobOutput.STDOUT_FILE : JobOutput.STDERR_FILE;
            if (JobOutput.kindOf(fd).checkpointable()) {
                assertEquals(Redirect.INHERIT, r);
            } else {
                assertEquals(Redirect.Type.WRITE, r.type());
                assertEquals(dir.resolve(name).toFile(), r.file());
                assertTrue(out.note().orElseThrow().contains(dir.resolve(name).toString()), out.note().get());
            }
        }
        assertEquals(JobOutput.kindOf(1).checkpointable() && JobOutput.kindOf(2).checkpointable(), out.note().isEmpty());
    }
}
