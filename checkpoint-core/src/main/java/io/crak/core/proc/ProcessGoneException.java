package io.crak.core.proc;

import java.io.IOException;

/**
 * The process or thread whose /proc file was read no longer exists (ENOENT, or ESRCH while
 * reading). Tree scans expect this for processes exiting mid-scan and skip them; other callers
 * report it.
 */
public class ProcessGoneException extends IOException {
    public ProcessGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
