package io.crak.core.pty;

import io.crak.core.files.FdState;

/**
 * A descriptor on the slave side of a pseudo-terminal (/dev/pts/N).
 *
 * @param termios the kernel's struct termios (TCGETS, 36 bytes, base64)
 * @param winsize struct winsize (TIOCGWINSZ, 8 bytes, base64)
 * @param sessionLeader the process of the job whose session has this terminal as controlling
 *     terminal (0: none in the job)
 * @param foregroundGroup the terminal's foreground process group (tpgid), when sessionLeader is set
 */
public record PtyState(byte[] termios, byte[] winsize, int sessionLeader, int foregroundGroup) implements FdState {
}
