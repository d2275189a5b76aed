package io.crak.core.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/** An entry of an image directory readable both as a stream and, without heap copies, as a channel. */
public final class ChannelInputStream extends InputStream implements ReadableByteChannel {
    private final FileChannel ch;

    public ChannelInputStream(FileChannel ch) {
        this.ch = ch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return ch.read(dst);
    }

    @Override
    public int read() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        return ch.read(one) <= 0 ? -1 : one.get(0) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return ch.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public boolean isOpen() {
        return ch.isOpen();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
