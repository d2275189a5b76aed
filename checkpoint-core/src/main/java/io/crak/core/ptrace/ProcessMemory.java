package io.crak.core.ptrace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Another process's memory through {@code /proc/PID/mem}: positioned reads and writes, which the
 * kernel performs with FOLL_FORCE for a ptrace-attached caller — so pages are written whatever
 * their protection, and no mprotect dance is needed to fill read-only or PROT_NONE memory.
 */
public final class ProcessMemory implements AutoCloseable {
    private final int pid;
    private final FileChannel ch;

    public ProcessMemory(int pid, boolean writable) throws IOException {
        this.pid = pid;
        Path p = Path.of("/proc", Integer.toString(pid), "mem");
        this.ch = writable ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(p, StandardOpenOption.READ);
    }

    /** Reads exactly buf.remaining() bytes at addr. */
    public void read(long addr, ByteBuffer buf) throws IOException {
        long pos = addr;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n <= 0) {
                throw new IOException("pid " + pid + ": memory at 0x" + Long.toHexString(pos) + " is not readable");
            }
            pos += n;
        }
    }

    public byte[] read(long addr, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        read(addr, b);
        return b.array();
    }

    public long readLong(long addr) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        read(addr, b);
        return b.getLong(0);
    }

    /** Writes all of buf at addr. */
    public void write(long addr, ByteBuffer buf) throws IOException {
        long pos = addr;
        while (buf.hasRemaining()) {
            int n = ch.write(buf, pos);
            if (n <= 0) {
                throw new IOException("pid " + pid + ": memory at 0x" + Long.toHexString(pos) + " is not writable");
            }
            pos += n;
        }
    }

    public void write(long addr, byte[] data) throws IOException {
        write(addr, ByteBuffer.wrap(data));
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
