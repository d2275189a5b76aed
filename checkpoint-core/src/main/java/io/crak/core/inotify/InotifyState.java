package io.crak.core.inotify;

import io.crak.core.files.FdState;
import java.util.List;

/** An inotify instance's watches, in watch-descriptor order. */
public record InotifyState(List<Watch> watches) implements FdState {
    /** One watch: its descriptor, the path of the watched inode at the dump, and its IN_* mask. */
    public record Watch(int wd, String path, int mask) {
    }
}
