package io.crak.core.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.crak.core.CrakException;
import java.io.IOException;

/**
 * The image format: entry names and their encoding. Metadata entries are JSON; page contents are
 * raw bytes in the order given by the process's page runs. Entries are written in this order:
 * {@code inventory.json}, {@code process-PID.json} for every process (parents first), then
 * {@code pages-PID.img} for every process in the same order. Documented in docs/image-format.md.
 */
public final class ImageFormat {
    /** Bumped on any incompatible change; images of another version are refused. */
    public static final int VERSION = 1;
    public static final String INVENTORY = "inventory.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ImageFormat() {
    }

    public static String processEntry(int pid) {
        return "process-" + pid + ".json";
    }

    public static String pagesEntry(int pid) {
        return "pages-" + pid + ".img";
    }

    /**
     * Builds Jackson's decoders of the image records on a daemon thread, so that a command about
     * to read images (restore) gets them ready-made: built cold on first use they cost a JVM that
     * just started about a quarter of a second, which this overlaps with parsing the command line.
     */
    public static void prepareInBackground() {
        Thread t = new Thread(() -> {
            try {
                JSON.readValue("{}", Inventory.class);
                JSON.readValue("{}", ProcessImage.class);
            } catch (IOException | RuntimeException e) {
                // only a head start: the real decode builds them itself and reports what fails
            }
        }, "crak-image-decoders");
        t.setDaemon(true);
        t.start();
    }

    public static byte[] encode(Object o) throws IOException {
        return JSON.writeValueAsBytes(o);
    }

    public static <T> T decode(byte[] data, Class<T> type, String entry) throws CrakException {
        try {
            return JSON.readValue(data, type);
        } catch (IOException e) {
            throw new CrakException("image entry " + entry + " is corrupt: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
