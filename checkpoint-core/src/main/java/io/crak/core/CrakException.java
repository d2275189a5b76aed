package io.crak.core;

/**
 * The one failure type of the engine. Its message is a single line meant for the user: it names
 * the process (pid), the resource and the reason, e.g.
 * {@code "pid 4711 fd 5: socket:[12345] is a unix socket, not supported yet"}.
 */
public class CrakException extends Exception {
    public CrakException(String message) {
        super(message);
    }

    public CrakException(String message, Throwable cause) {
        super(message, cause);
    }
}
