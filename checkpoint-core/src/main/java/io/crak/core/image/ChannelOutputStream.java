package io.crak.core.image;

import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;

/**
 * An entry stream that also takes (direct) ByteBuffers, so page contents go from process memory
 * to the file without passing through the Java heap. Sinks that can offer it return one; the
 * engine uses the channel side when it is there and the stream side otherwise.
 */
public abstract class ChannelOutputStream extends FilterOutputStream implements WritableByteChannel {
    protected ChannelOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
