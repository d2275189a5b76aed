package io.crak.run;

import io.crak.core.image.ImageSink;
import java.io.IOException;
import java.io.OutputStream;

/** Passes entries through to a sink and adds up their sizes: the images' size for progress lines. */
final class SizeCountingSink implements ImageSink {
    private final ImageSink target;
    private long bytes;

    SizeCountingSink(ImageSink target) {
        this.target = target;
    }

    @Override
    public OutputStream entry(String name, long size) throws IOException {
        OutputStream out = target.entry(name, size);
        bytes += size;
        return out;
    }

    /** Total declared size of all entries so far. */
    long bytes() {
        return bytes;
    }

    /** The target is closed by its owner (a generation writer commits or aborts on close). */
    @Override
    public void close() {
    }
}
