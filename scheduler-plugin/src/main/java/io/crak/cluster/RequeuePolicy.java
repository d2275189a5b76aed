package io.crak.cluster;

/** What happens to a job whose node dies: {@code --requeue auto|never}. */
public enum RequeuePolicy {
    /** Restart it on a surviving node from its latest consistent generation. */
    AUTO,
    /** Mark it FAILED; an admin may {@code crak requeue} it. */
    NEVER;

    public static RequeuePolicy parse(String text) {
        return switch (text) {
            case "auto" -> AUTO;
            case "never" -> NEVER;
            default -> throw new IllegalArgumentException("requeue policy '" + text + "' is not auto or never");
        };
    }

    public String text() {
        return name().toLowerCase();
    }
}
