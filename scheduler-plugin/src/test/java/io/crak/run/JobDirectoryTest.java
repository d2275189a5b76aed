package io.crak.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crak.job.NamespaceMode;
import io.crak.storage.Compression;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobDirectoryTest {
    @TempDir
    Path root;

    @Test
    void defaultNamesCountUpFromTheCommand() throws IOException {
        List<String> cmd = List.of("/opt/bin/mt-compute", "--steps", "3");
        JobDirectory a = JobDirectory.createNew(root, Optional.empty(), cmd);
        JobDirectory b = JobDirectory.createNew(root, Optional.empty(), cmd);
        assertEquals("mt-compute-1", a.name());
        assertEquals("mt-compute-2", b.name());
        Files.createDirectory(root.resolve("mt-compute-41"));
        assertEquals("mt-compute-42", JobDirectory.createNew(root, Optional.empty(), cmd).name());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.path())));
        assertEquals("my_job", JobDirectory.baseName("./.my job"));
        assertEquals("job", JobDirectory.baseName("..."));
    }

    @Test
    void explicitNamesAreNotReused() throws IOException {
        JobDirectory.createNew(root, Optional.of("sim"), List.of("x"));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> JobDirectory.createNew(root, Optional.of("sim"), List.of("x")));
        assertTrue(e.getMessage().contains("--resume sim"), e.getMessage());
        assertThrows(IOException.class, () -> JobDirectory.existing(root, "other"));
    }

    @Test
    void remembersThatAJobFinished() throws IOException {
        JobDirectory d = JobDirectory.createNew(root, Optional.of("done"), List.of("x"));
        assertTrue(d.finished().isEmpty());
        d.recordFinished(io.crak.job.JobExit.exited(3));
        assertTrue(JobDirectory.existing(root, "done").finished().orElseThrow().startsWith("exit code 3 (status 3) at "));
    }

    @Test
    void oneSupervisorAtATime() throws IOException {
        JobDirectory d = JobDirectory.createNew(root, Optional.of("sim"), List.of("x"));
        try (var lock = d.lockForSupervision()) {
            IOException e = assertThrows(IOException.class, () -> JobDirectory.existing(root, "sim").lockForSupervision());
            assertTrue(e.getMessage().contains("supervised by another running crak run"), e.getMessage());
        }
        d.lockForSupervision().release();
    }

    @Test
    void cgroupNamesDifferPerStorageRoot() throws IOException {
        JobDirectory a = JobDirectory.createNew(root.resolve("s1"), Optional.of("sim"), List.of("x"));
        JobDirectory b = JobDirectory.createNew(root.resolve("s2"), Optional.of("sim"), List.of("x"));
        assertTrue(a.cgroupName().startsWith("sim."));
        assertNotEquals(a.cgroupName(), b.cgroupName());
        assertEquals(a.cgroupName(), JobDirectory.existing(root.resolve("s1"), "sim").cgroupName());
    }

    @Test
    void recordRoundTrips() throws IOException {
        JobRecord r = new JobRecord("sim-1", List.of("prog", "a b", "=x\\y"), Path.of("/work dir"),
                Duration.ofMinutes(90), 4, Compression.ZSTD, NamespaceMode.HOST, "sim-1.0123abcd", 1234);
        r.write(root);
        assertEquals(r, JobRecord.read(root));
        // a record from before the owner was recorded: the owner is whoever owns the job directory
        int dirOwner = (Integer) Files.getAttribute(root, "unix:uid");
        Files.writeString(root.resolve(JobRecord.FILE), Files.readString(root.resolve(JobRecord.FILE))
                .replace("owner-uid=1234", ""));
        assertEquals(dirOwner, JobRecord.read(root).ownerUid());
        Files.writeString(root.resolve(JobRecord.FILE), Files.readString(root.resolve(JobRecord.FILE))
                .replace("keep=4", "keep=many"));
        IOException e = assertThrows(IOException.class, () -> JobRecord.read(root));
        assertTrue(e.getMessage().contains(JobRecord.FILE), e.getMessage());
    }
}
