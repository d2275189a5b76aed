package io.crak.core;

/**
 * How to restore.
 *
 * @param ownerUid when non-negative, the uid the tree must belong to: a restore never grants more
 *     than the job owner had, so images whose credentials differ are refused (-1: no check, root's
 *     own {@code crak restore})
 */
public record RestoreRequest(int ownerUid) {
    public static RestoreRequest unchecked() {
        return new RestoreRequest(-1);
    }
}
