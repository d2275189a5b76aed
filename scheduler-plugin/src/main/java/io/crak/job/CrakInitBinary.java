package io.crak.job;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the crak-init executable: the system property {@value #PROPERTY}, else {@code bin/crak-init}
 * next to the jar or classes directory this class was loaded from (the Maven build puts it in
 * {@code scheduler-plugin/target/bin}).
 */
public final class CrakInitBinary {
    public static final String PROPERTY = "crak.init";
    static final String RELATIVE_PATH = "bin/crak-init";

    private CrakInitBinary() {
    }

    public static Path locate() throws IOException {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            return checked(Path.of(configured), "system property " + PROPERTY);
        }
        Path codeSource;
        try {
            codeSource = Path.of(CrakInitBinary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("crak-init: cannot tell where Crak's classes were loaded from; set -D" + PROPERTY, e);
        }
        // target/crak.jar or target/classes: both have target/bin beside them
        return checked(codeSource.getParent().resolve(RELATIVE_PATH), "the build tree");
    }

    private static Path checked(Path p, String from) throws IOException {
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new IOException("crak-init " + p + " (from " + from + ") is missing or not executable: "
                    + "build with 'mvn -pl scheduler-plugin compile'");
        }
        return p;
    }
}
