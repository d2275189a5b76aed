package io.crak.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real program (tar, mount, ...) to completion, reaping it, and returns its output. */
record ExternalCommand(int exitCode, String stdout, String stderr) {
    private static final long TIMEOUT_SECONDS = 120;

    static ExternalCommand run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = java.nio.file.Files.createTempFile("crak-cmd", ".out");
        Path err = java.nio.file.Files.createTempFile("crak-cmd", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException(command + " did not finish within " + TIMEOUT_SECONDS + "s");
            }
            return new ExternalCommand(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    ExternalCommand expectSuccess(List<String> command) {
        if (exitCode != 0) {
            throw new AssertionError(command + " exited " + exitCode + ": " + stderr);
        }
        return this;
    }
}
