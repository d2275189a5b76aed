package io.crak.cli;

import io.crak.core.FdKinds;
import io.crak.core.Resources;
import io.crak.core.image.ImageFormat;
import io.crak.core.image.Inventory;
import io.crak.core.image.ProcessImage;
import io.crak.core.jna.LibC;
import io.crak.core.unlinked.FilesManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Run once by the build (never by users) with {@code -XX:ArchiveClassesAtExit}: it loads what
 * every crak command loads before doing real work — picocli's model of all commands, Jackson's
 * deserializers for every image record (from a real image in src/cds/images), JNA and the engine's
 * resource lists — so that the archive written at exit spares each later {@code crak} that class
 * loading and verification. A restore reads its images about twice as fast with it: a cold JVM
 * otherwise spends a quarter of a second there. bin/crak uses the archive when it is present.
 */
public final class ClassDataTraining {
    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ClassDataTraining IMAGE_DIR");
        }
        Path images = Path.of(args[0]);
        decodeAndEncode(images.resolve(ImageFormat.INVENTORY), Inventory.class);
        decodeAndEncode(images.resolve(FilesManifest.ENTRY), FilesManifest.class);
        try (var processes = Files.newDirectoryStream(images, "process-*.json")) {
            for (Path p : processes) {
                decodeAndEncode(p, ProcessImage.class);
            }
        }
        CommandLine cl = Main.commandLine();
        StringWriter sink = new StringWriter();
        cl.setOut(new PrintWriter(sink));
        cl.setErr(new PrintWriter(sink));
        for (String command : cl.getSubcommands().keySet()) {
            cl.execute(command, "--help");
        }
        if (Resources.ORDER.isEmpty() || FdKinds.ORDER.isEmpty() || LibC.INSTANCE.getpid() <= 0) {
            throw new IllegalStateException("the engine's resource lists are empty");
        }
    }

    private static <T> void decodeAndEncode(Path file, Class<T> type) throws IOException, io.crak.core.CrakException {
        T decoded = ImageFormat.decode(Files.readAllBytes(file), type, file.getFileName().toString());
        ImageFormat.encode(decoded);
    }
}
