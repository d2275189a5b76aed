package io.crak.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the result of a sample job from the file its stdout went to. */
public final class Checksums {
    /** The final line of every sample job's output. */
    public static final Pattern CHECKSUM_LINE = Pattern.compile("checksum ([0-9a-f]{16})");

    private Checksums() {
    }

    /**
     * The 16 hex digits of the output's final {@code checksum} line. Output repeated before it (a
     * restored job re-printing progress lines it printed before it was killed) does not matter;
     * only the last non-empty line counts.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalStateException if the last non-empty line is not a checksum line (the job did not finish)
     */
    public static String read(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output, StandardCharsets.ISO_8859_1);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Matcher m = CHECKSUM_LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("no final checksum line in " + output + ": last line is '" + line + "'");
            }
            return m.group(1);
        }
        throw new IllegalStateException("no final checksum line in " + output + ": it holds no output");
    }
}
