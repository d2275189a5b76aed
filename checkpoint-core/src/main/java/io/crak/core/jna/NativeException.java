package io.crak.core.jna;

/** A failed system call, carrying its errno so callers can name it in their one-line errors. */
public class NativeException extends Exception {
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + ": " + Errno.name(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}
