package io.crak.job;

/** Where a job's processes get their pids (and, optionally, their network). */
public enum NamespaceMode {
    /**
     * The host pid namespace, crak-init a child subreaper. The engine restores such trees with
     * their exact host pids, so a restore needs them free: they are once the job died on this
     * node, but on another node (or after the kernel reused one) the restore is refused.
     */
    HOST("host"),
    /**
     * A fresh pid namespace (and mount namespace, with its own /proc) with crak-init as its pid 1.
     * The engine dumps namespace pids and restores the tree into a new pid namespace, so the job
     * gets its pids back on any node, whatever host pids are taken there.
     */
    PID_NAMESPACE("pidns"),
    /**
     * As {@link #PID_NAMESPACE}, and a network namespace of the job's own with only a loopback
     * interface: the job's TCP and UDP ports are its own on any node (two jobs may both listen on
     * 8080), it cannot reach the network, and a restore rebuilds the namespace with its sockets.
     */
    PID_AND_NET_NAMESPACE("pidns+netns");

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
        throw new IllegalArgumentException("namespace mode '" + name + "' is not one of host, pidns, pidns+netns");
    }
}
