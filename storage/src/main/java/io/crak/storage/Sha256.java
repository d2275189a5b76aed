package io.crak.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one checksum of the repository (archives, manifests, 4 KiB blocks). */
final class Sha256 {
    static final int BYTES = 32;
    private static final int READ_BUFFER_BYTES = 1 << 20;

    private Sha256() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    static String of(byte[] data) {
        return hex(newDigest().digest(data));
    }

    /** Hashes a whole file with bounded memory; returns hex and leaves the byte count in {@code size[0]}. */
    static String ofFile(Path file, long[] size) throws IOException {
        MessageDigest md = newDigest();
        ByteBuffer buf = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                buf.flip();
                total += buf.remaining();
                md.update(buf);
            }
        }
        size[0] = total;
        return hex(md.digest());
    }
}
