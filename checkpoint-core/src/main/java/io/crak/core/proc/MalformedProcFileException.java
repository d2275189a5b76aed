package io.crak.core.proc;

/**
 * A /proc file did not have the shape its parser expects. Unchecked because the parsers are pure
 * functions over text; callers that know the pid wrap it into an error naming pid and file.
 */
public class MalformedProcFileException extends IllegalArgumentException {
    public MalformedProcFileException(String file, String reason) {
        super(file + ": " + reason);
    }

    public MalformedProcFileException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
    }
}
