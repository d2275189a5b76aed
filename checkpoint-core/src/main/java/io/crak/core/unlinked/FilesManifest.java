package io.crak.core.unlinked;

import java.util.List;

/**
 * Entry {@code files.json}: the files whose contents travel in the image, written after the
 * process entries and followed by their content entries in this order (included files, then
 * unlinked ones), all before any page entry.
 */
public record FilesManifest(List<IncludedFile> included, List<UnlinkedContent> unlinked) {
    public static final String ENTRY = "files.json";

    public FilesManifest {
        included = List.copyOf(included);
        unlinked = List.copyOf(unlinked);
    }
}
