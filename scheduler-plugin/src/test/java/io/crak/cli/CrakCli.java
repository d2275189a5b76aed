package io.crak.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real crak command line as a separate JVM, from this test's class path. */
final class CrakCli {
    private CrakCli() {
    }

    static ProcessBuilder command(Path log, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb;
    }

    /** A file's text, or "" when it does not exist (for assertion messages). */
    static String read(Path p) {
        try {
            return java.nio.file.Files.exists(p) ? java.nio.file.Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Runs crak to completion and returns its exit code. */
    static int run(Path log, String... args) throws IOException, InterruptedException {
        return command(log, args).start().waitFor();
    }
}
