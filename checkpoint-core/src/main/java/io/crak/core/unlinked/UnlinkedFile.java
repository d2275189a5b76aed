package io.crak.core.unlinked;

import io.crak.core.files.FdState;

/**
 * A descriptor of a file with no name: deleted while open, or a memfd. Its contents travel in
 * image entry {@code entry} (described in {@link FilesManifest}), shared by every descriptor and
 * mapping of the same inode.
 */
public record UnlinkedFile(String entry) implements FdState {
}
