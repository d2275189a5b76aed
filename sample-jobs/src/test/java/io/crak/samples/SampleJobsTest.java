package io.crak.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleJobsTest {
    @TempDir
    Path root;

    @Test
    void findsTheBinariesFromAnyDirectoryBelowTheRepositoryRoot() throws IOException {
        Path bin = Files.createDirectories(root.resolve("sample-jobs/target/bin"));
        Path deep = Files.createDirectories(root.resolve("cluster-tests/target/work"));
        assertEquals(bin, SampleJobs.searchUpwards(deep));
        assertEquals(bin, SampleJobs.searchUpwards(root.resolve("sample-jobs")));
    }

    @Test
    void explainsHowToFixAMissingBuild() throws IOException {
        Path empty = Files.createDirectories(root.resolve("elsewhere"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SampleJobs.searchUpwards(empty));
        assertTrue(e.getMessage().contains(SampleJobs.BIN_DIR_PROPERTY), e.getMessage());
    }

    @Test
    void propertyOverridesTheSearchAndMustNameADirectory() throws IOException {
        String saved = System.getProperty(SampleJobs.BIN_DIR_PROPERTY);
        try {
            Path bin = Files.createDirectories(root.resolve("bin"));
            System.setProperty(SampleJobs.BIN_DIR_PROPERTY, bin.toString());
            assertEquals(bin, SampleJobs.binDir());
            System.setProperty(SampleJobs.BIN_DIR_PROPERTY, root.resolve("absent").toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, SampleJobs::binDir);
            assertTrue(e.getMessage().contains("absent"), e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(SampleJobs.BIN_DIR_PROPERTY);
            } else {
                System.setProperty(SampleJobs.BIN_DIR_PROPERTY, saved);
            }
        }
    }

    @Test
    void everyJobIsBuiltAndExecutable() {
        for (SampleJob job : SampleJob.values()) {
            Path program = job.binary();
            assertTrue(Files.isExecutable(program), program.toString());
            assertEquals(program.toString(), job.quickCommand().get(0));
        }
    }
}
