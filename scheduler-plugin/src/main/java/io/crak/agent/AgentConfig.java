package io.crak.agent;

import io.crak.cluster.BalancePolicy;
import io.crak.cluster.Database;
import io.crak.job.DurationText;
import io.crak.job.NamespaceMode;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything {@code crak agent} is configured with: one properties file (every key below, all
 * optional, nothing else accepted) plus the {@code --node} and {@code --slots} options, which win
 * over the file. An unknown key or a bad value stops the agent with a message naming it.
 * The keys and defaults are documented in docs/controller.md.
 */
public record AgentConfig(String node, int slots, Path socket, Path storageRoot, String dbUrl, String dbUser,
        String dbPassword, int dbPoolSize, boolean clustered, Duration checkinInterval, Duration failureGrace,
        Duration idleWait, Duration poll, NamespaceMode namespace, Duration checkpointMinInterval, int keepGenerations,
        int maxStartAttempts, Duration retryDelay, Duration startTimeout, boolean balanceEnabled, Duration balanceInterval, BalancePolicy.Knobs balance) {

    public static final Path DEFAULT_SOCKET = Path.of("/run/crak/agent.sock");
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/crak");
    public static final int DEFAULT_DB_POOL_SIZE = 8;
    /** Quartz's own default check-in interval. */
    public static final Duration DEFAULT_CHECKIN_INTERVAL = Duration.ofMillis(7500);
    /** Quartz's fixed allowance beyond a missed check-in before a node is presumed dead. */
    public static final Duration DEFAULT_FAILURE_GRACE = Duration.ofMillis(7500);
    /** How long Quartz's scheduler thread sleeps when nothing is due (Quartz's minimum is 1 s). */
    public static final Duration DEFAULT_IDLE_WAIT = Duration.ofSeconds(1);
    public static final Duration MIN_IDLE_WAIT = Duration.ofSeconds(1);
    /** How often the agent reconciles its jobs with the database. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(250);
    /**
     * Each job in a fresh pid namespace: its pids are free on whatever node restores it, even on
     * another node of the same host while a copy presumed dead still holds the old host pids.
     */
    public static final NamespaceMode DEFAULT_NAMESPACE = NamespaceMode.PID_NAMESPACE;
    public static final Duration DEFAULT_CHECKPOINT_MIN_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_KEEP_GENERATIONS = 3;
    public static final int DEFAULT_MAX_START_ATTEMPTS = 5;
    /** After the n-th failed start a job waits n times this long before it is placed again. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(2);
    /** A launch or restore not done after this long is given up and the job tried again. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_BALANCE_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_PRIORITY_GAP = 1;
    public static final Duration DEFAULT_MIN_RUN_TIME = Duration.ofSeconds(10);
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Every accepted key with its documented default (as text). */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("crak.node.name", "(host name)");
        d.put("crak.node.slots", "(number of CPUs)");
        d.put("crak.agent.socket", DEFAULT_SOCKET.toString());
        d.put("crak.agent.poll", DurationText.format(DEFAULT_POLL));
        d.put("crak.storage.root", DEFAULT_STATE_DIR.resolve("storage").toString());
        d.put("crak.db.url", "jdbc:h2:file:" + DEFAULT_STATE_DIR.resolve("db/crak"));
        d.put("crak.db.user", "crak");
        d.put("crak.db.password", "");
        d.put("crak.db.pool", Integer.toString(DEFAULT_DB_POOL_SIZE));
        d.put("crak.cluster.clustered", "(true for PostgreSQL, false for H2)");
        d.put("crak.cluster.checkinInterval", DurationText.format(DEFAULT_CHECKIN_INTERVAL));
        d.put("crak.cluster.failureGrace", DurationText.format(DEFAULT_FAILURE_GRACE));
        d.put("crak.quartz.idleWait", DurationText.format(DEFAULT_IDLE_WAIT));
        d.put("crak.job.namespace", DEFAULT_NAMESPACE.optionName());
        d.put("crak.checkpoint.minInterval", DurationText.format(DEFAULT_CHECKPOINT_MIN_INTERVAL));
        d.put("crak.checkpoint.keep", Integer.toString(DEFAULT_KEEP_GENERATIONS));
        d.put("crak.recovery.maxStartAttempts", Integer.toString(DEFAULT_MAX_START_ATTEMPTS));
        d.put("crak.recovery.retryDelay", DurationText.format(DEFAULT_RETRY_DELAY));
        d.put("crak.recovery.startTimeout", DurationText.format(DEFAULT_START_TIMEOUT));
        d.put("crak.balance.enabled", "true");
        d.put("crak.balance.interval", DurationText.format(DEFAULT_BALANCE_INTERVAL));
        d.put("crak.balance.preemption", "true");
        d.put("crak.balance.priorityGap", Integer.toString(DEFAULT_PRIORITY_GAP));
        d.put("crak.balance.moveToIdle", "true");
        d.put("crak.balance.minRunTime", DurationText.format(DEFAULT_MIN_RUN_TIME));
        return Map.copyOf(d);
    }

    public AgentConfig {
        if (!NODE_NAME.matcher(node).matches()) {
            throw new IllegalArgumentException("crak.node.name '" + node + "' must be 1-64 of [A-Za-z0-9._-]");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("crak.node.slots " + slots + " must be at least 1");
        }
        Database.Kind kind = Database.Kind.of(dbUrl);
        if (clustered && kind == Database.Kind.H2) {
            throw new IllegalArgumentException("crak.cluster.clustered=true needs a shared database; " + dbUrl + " is an embedded H2 file");
        }
        if (dbPoolSize < 2) {
            throw new IllegalArgumentException("crak.db.pool " + dbPoolSize + " must be at least 2");
        }
        if (idleWait.compareTo(MIN_IDLE_WAIT) < 0) {
            throw new IllegalArgumentException("crak.quartz.idleWait " + DurationText.format(idleWait) + " is below Quartz's minimum of 1s");
        }
        positive("crak.cluster.checkinInterval", checkinInterval);
        positive("crak.cluster.failureGrace", failureGrace);
        positive("crak.agent.poll", poll);
        positive("crak.checkpoint.minInterval", checkpointMinInterval);
        positive("crak.balance.interval", balanceInterval);
        positive("crak.recovery.retryDelay", retryDelay);
        positive("crak.recovery.startTimeout", startTimeout);
        if (keepGenerations < 1) {
            throw new IllegalArgumentException("crak.checkpoint.keep " + keepGenerations + " must be at least 1");
        }
        if (maxStartAttempts < 1) {
            throw new IllegalArgumentException("crak.recovery.maxStartAttempts " + maxStartAttempts + " must be at least 1");
        }
        if (!socket.isAbsolute() || !storageRoot.isAbsolute()) {
            throw new IllegalArgumentException("crak.agent.socket and crak.storage.root must be absolute paths");
        }
    }

    private static void positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " " + d + " must be positive");
        }
    }

    /** Reads {@code file} (if given) and applies the command-line overrides. */
    public static AgentConfig load(Path file, String nodeOverride, Integer slotsOverride) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new IOException("config " + file + ": " + e.getMessage(), e);
            }
        }
        if (nodeOverride != null) {
            p.setProperty("crak.node.name", nodeOverride);
        }
        if (slotsOverride != null) {
            p.setProperty("crak.node.slots", slotsOverride.toString());
        }
        return from(p, file == null ? "(no config file)" : file.toString());
    }

    /** Builds the config from properties; {@code source} names them in error messages. */
    public static AgentConfig from(Properties p, String source) {
        TreeSet<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(DEFAULTS.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown key " + unknown.first()
                    + " (known keys: see docs/controller.md)");
        }
        Keys k = new Keys(p, source);
        String url = k.get("crak.db.url", s -> s, "jdbc:h2:file:" + DEFAULT_STATE_DIR.resolve("db/crak"));
        Database.Kind kind;
        try {
            kind = Database.Kind.of(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": crak.db.url: " + e.getMessage());
        }
        try {
            return new AgentConfig(
                    k.get("crak.node.name", s -> s, hostName()),
                    k.get("crak.node.slots", Integer::parseInt, Runtime.getRuntime().availableProcessors()),
                    k.get("crak.agent.socket", Path::of, DEFAULT_SOCKET),
                    k.get("crak.storage.root", Path::of, DEFAULT_STATE_DIR.resolve("storage")),
                    url,
                    k.get("crak.db.user", s -> s, "crak"),
                    k.get("crak.db.password", s -> s, ""),
                    k.get("crak.db.pool", Integer::parseInt, DEFAULT_DB_POOL_SIZE),
                    k.get("crak.cluster.clustered", AgentConfig::bool, kind == Database.Kind.POSTGRESQL),
                    k.get("crak.cluster.checkinInterval", DurationText::parse, DEFAULT_CHECKIN_INTERVAL),
                    k.get("crak.cluster.failureGrace", DurationText::parse, DEFAULT_FAILURE_GRACE),
                    k.get("crak.quartz.idleWait", DurationText::parse, DEFAULT_IDLE_WAIT),
                    k.get("crak.agent.poll", DurationText::parse, DEFAULT_POLL),
                    k.get("crak.job.namespace", NamespaceMode::ofOptionName, DEFAULT_NAMESPACE),
                    k.get("crak.checkpoint.minInterval", DurationText::parse, DEFAULT_CHECKPOINT_MIN_INTERVAL),
                    k.get("crak.checkpoint.keep", Integer::parseInt, DEFAULT_KEEP_GENERATIONS),
                    k.get("crak.recovery.maxStartAttempts", Integer::parseInt, DEFAULT_MAX_START_ATTEMPTS),
                    k.get("crak.recovery.retryDelay", DurationText::parse, DEFAULT_RETRY_DELAY),
                    k.get("crak.recovery.startTimeout", DurationText::parse, DEFAULT_START_TIMEOUT),
                    k.get("crak.balance.enabled", AgentConfig::bool, true),
                    k.get("crak.balance.interval", DurationText::parse, DEFAULT_BALANCE_INTERVAL),
                    new BalancePolicy.Knobs(
                            k.get("crak.balance.preemption", AgentConfig::bool, true),
                            k.get("crak.balance.priorityGap", Integer::parseInt, DEFAULT_PRIORITY_GAP),
                            k.get("crak.balance.moveToIdle", AgentConfig::bool, true),
                            k.get("crak.balance.minRunTime", DurationText::parse, DEFAULT_MIN_RUN_TIME)));
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(source) ? e
                    : new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    public Database.Kind databaseKind() {
        return Database.Kind.of(dbUrl);
    }

    /** Reads one key, naming key, value and source when the value is bad. */
    private record Keys(Properties p, String source) {
        <T> T get(String key, Function<String, T> parse, T dflt) {
            String v = p.getProperty(key);
            if (v == null) {
                return dflt;
            }
            try {
                return parse.apply(v.strip());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ": " + key + "=" + v + " is invalid: " + e.getMessage());
            }
        }
    }

    private static boolean bool(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
        };
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
