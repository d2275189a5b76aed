package io.crak.job;

/** Where a job's processes get their pids. */
public enum NamespaceMode {
    /**
     * The host pid namespace, crak-init a child subreaper. The engine restores such trees with
     * their exact pids, which are free again once the job died on this node.
     */
    HOST("host"),
    /**
     * A fresh pid namespace with crak-init as its pid 1, so the job's pids are free on any node.
     * The engine cannot restore these trees yet.
     */
    PID_NAMESPACE("pidns");

    private final String optionName;

    NamespaceMode(String optionName) {
        this.optionName = optionName;
    }

    /** The spelling on command lines and in job records. */
    public String optionName() {
        return optionName;
    }

    public static NamespaceMode ofOptionName(String name) {
        for (NamespaceMode m : values()) {
            if (m.optionName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("namespace mode '" + name + "' is not one of host, pidns");
    }
}
