package io.crak.core.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real /proc files captured by src/test/resources/proc/capture.sh. */
final class ProcFixtures {
    private ProcFixtures() {}

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String name) {
        try (InputStream in = ProcFixtures.class.getResourceAsStream("/proc/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture /proc/" + name + " missing from test resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
