package io.crak.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {
    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("out"), content);
    }

    @Test
    void readsTheFinalChecksumLine() throws IOException {
        assertEquals("0123456789abcdef", Checksums.read(write("step 1/2 x\nstep 2/2 y\nchecksum 0123456789abcdef\n")));
    }

    @Test
    void lastChecksumWinsWhenARestoredJobRepeatedItsOutput() throws IOException {
        String out = "step 1/2\nstep 2/2\nchecksum 1111111111111111\nstep 2/2\nchecksum 2222222222222222\n\n";
        assertEquals("2222222222222222", Checksums.read(write(out)));
    }

    @Test
    void unfinishedOutputIsRejectedNamingTheLastLine() throws IOException {
        Path out = write("step 1/2\nchecksum 1111111111111111\nstep 1/2\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Checksums.read(out));
        assertTrue(e.getMessage().contains("'step 1/2'"), e.getMessage());
    }

    @Test
    void emptyOutputAndMalformedChecksumsAreRejected() throws IOException {
        assertThrows(IllegalStateException.class, () -> Checksums.read(write("")));
        assertThrows(IllegalStateException.class, () -> Checksums.read(write("checksum 0123\n")));
        assertThrows(IllegalStateException.class, () -> Checksums.read(write("checksum 0123456789ABCDEF\n")));
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(IOException.class, () -> Checksums.read(dir.resolve("absent")));
    }
}
