package io.crak.cli;

/** Turns any failure into the single line the user sees after {@code crak: }. */
final class OneLineError {
    private OneLineError() {
    }

    static String of(Throwable t) {
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ').strip();
    }
}
