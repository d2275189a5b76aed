package io.crak.job;

/** The credentials a job runs with (crak-init drops to them before it starts the command). */
public record JobUser(int uid, int gid) {
    public JobUser {
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid " + uid + " / gid " + gid + " must be >= 0");
        }
    }
}
