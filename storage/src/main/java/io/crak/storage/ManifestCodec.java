package io.crak.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes {@code manifest.json}. Decoding checks the format name and version before
 * it looks at anything else, so a newer, incompatible layout is refused rather than misread.
 */
final class ManifestCodec {
    static final String FORMAT = "crak-generation";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ManifestCodec() {
    }

    static byte[] encode(Manifest m) {
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest of generation " + m.generation() + " cannot be encoded", e);
        }
    }

    /** Decodes {@code bytes}; {@code where} names the file for error messages. */
    static Manifest decode(byte[] bytes, String where) throws StorageException {
        JsonNode tree;
        try {
            tree = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new StorageException(where + ": not valid JSON (" + firstLine(e) + ")");
        }
        if (tree == null || !tree.isObject()) {
            throw new StorageException(where + ": not a JSON object");
        }
        String format = tree.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new StorageException(where + ": format is '" + format + "', expected '" + FORMAT + "'");
        }
        int version = tree.path("version").asInt(-1);
        if (version != VERSION) {
            throw new StorageException(where + ": format version " + tree.path("version").asText()
                    + " is not supported (this crak reads version " + VERSION + ")");
        }
        Manifest m;
        try {
            m = JSON.treeToValue(tree, Manifest.class);
        } catch (IOException e) {
            throw new StorageException(where + ": malformed manifest (" + firstLine(e) + ")");
        }
        if (m.archives() == null || m.archives().isEmpty() || m.entries() == null || m.blockIndex() == null
                || m.job() == null || m.time() == null || m.compression() == null || m.blockBytes() <= 0) {
            throw new StorageException(where + ": manifest lacks archives, entries, block index, job, time or compression");
        }
        return m;
    }

    static String toText(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String firstLine(Exception e) {
        String s = String.valueOf(e.getMessage());
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
