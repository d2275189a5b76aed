package io.crak.storage;

import java.util.regex.Pattern;

/** Job names become directory names on shared storage, so only a safe subset is accepted. */
public final class JobName {
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private JobName() {
    }

    /** Returns {@code job} or throws naming what is wrong with it. */
    public static String validate(String job) {
        if (job == null || job.isEmpty()) {
            throw new IllegalArgumentException("job name is empty");
        }
        if (job.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("job name '" + job.substring(0, 20) + "...' is longer than "
                    + MAX_LENGTH + " characters");
        }
        if (!VALID.matcher(job).matches()) {
            throw new IllegalArgumentException("job name '" + job + "' may only hold letters, digits, '.', '_' and '-'"
                    + " and must start with a letter or digit");
        }
        return job;
    }
}
