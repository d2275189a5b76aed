package io.crak.storage;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of everything on the storage root:
 * <pre>
 * ROOT/JOB/gen-000000000007/             a committed generation (published by one rename)
 *          manifest.json, manifest.json.sha256, images.tar[.zst], blocks.sha256
 * ROOT/JOB/.tmp-gen-000000000008-UUID/   a generation being written (or abandoned by a crash)
 * ROOT/JOB/.tmp-gen-000000000008-UUID.lock   held (flock) by its live writer
 * ROOT/JOB/.del-gen-000000000003-UUID/   a generation being deleted by retention
 * </pre>
 */
final class RepositoryLayout {
    static final String GENERATION_PREFIX = "gen-";
    static final String TEMP_PREFIX = ".tmp-";
    static final String DELETE_PREFIX = ".del-";
    static final String LOCK_SUFFIX = ".lock";
    static final String MANIFEST = "manifest.json";
    static final String MANIFEST_CHECKSUM = "manifest.json.sha256";
    static final String BLOCK_INDEX = "blocks.sha256";
    private static final Pattern GENERATION_DIR = Pattern.compile("gen-(\\d{12,19})");

    private RepositoryLayout() {
    }

    static Path jobDir(Path root, String job) {
        return root.resolve(JobName.validate(job));
    }

    static String generationDirName(long generation) {
        return String.format("%s%012d", GENERATION_PREFIX, generation);
    }

    static OptionalLong parseGenerationDir(String name) {
        Matcher m = GENERATION_DIR.matcher(name);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
