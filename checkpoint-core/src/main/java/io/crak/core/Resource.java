package io.crak.core;

import io.crak.core.image.ProcessImage;
import java.io.IOException;

/**
 * One kind of process state (memory, files, signals, ...): a dumper that captures it from a
 * seized process into the process image, and a restorer that puts it back into a process being
 * restored. Resources never call each other; the order in which they run is fixed once, in
 * {@link Resources}.
 */
public record Resource(String name, Dumper dumper, Restorer restorer) {

    @FunctionalInterface
    public interface Dumper {
        void dump(DumpContext ctx, ProcessImage image) throws CrakException, IOException;
    }

    @FunctionalInterface
    public interface Restorer {
        void restore(RestoreContext ctx, ProcessImage image) throws CrakException, IOException;
    }
}
