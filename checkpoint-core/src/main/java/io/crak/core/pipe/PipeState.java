package io.crak.core.pipe;

import io.crak.core.files.FdState;

/**
 * One open file description of a pipe or FIFO. Its access mode and O_NONBLOCK are in the
 * descriptor's flags.
 *
 * @param pipeId the pipe object ("(dev=..,ino=..)" of its inode): descriptions with equal ids are
 *     ends of one pipe and are restored onto one new pipe
 * @param capacityBytes F_GETPIPE_SZ at the freeze
 * @param buffered the bytes buffered in the pipe at the freeze, held by the first description of
 *     the pipe in dump order only (null on the others), so they are refilled exactly once
 */
public record PipeState(String pipeId, int capacityBytes, byte[] buffered) implements FdState {
}
