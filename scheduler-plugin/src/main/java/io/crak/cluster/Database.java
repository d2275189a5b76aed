package io.crak.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The controller's database: an embedded H2 file for one node alone, PostgreSQL shared by every
 * agent of a cluster. One connection pool serves Quartz's job store and Crak's own tables.
 */
public final class Database implements AutoCloseable {
    /** What the JDBC URL says the database is. */
    public enum Kind {
        H2, POSTGRESQL;

        public static Kind of(String url) {
            if (url.startsWith("jdbc:h2:")) {
                return H2;
            }
            if (url.startsWith("jdbc:postgresql:")) {
                return POSTGRESQL;
            }
            throw new IllegalArgumentException("database url '" + url + "' is neither jdbc:h2: nor jdbc:postgresql:");
        }
    }

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * H2 writes committed transactions to its file up to 500 ms later by default; an agent killed
     * in between would forget jobs it had acknowledged. Added unless the URL sets WRITE_DELAY.
     */
    static final String H2_DURABLE = ";WRITE_DELAY=0";

    private final HikariDataSource pool;
    private final Kind kind;

    public Database(String url, String user, String password, int poolSize) {
        this.kind = Kind.of(url);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(kind == Kind.H2 && !url.toUpperCase().contains("WRITE_DELAY") ? url + H2_DURABLE : url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setAutoCommit(false);
        hc.setPoolName("crak-db");
        // fail fast when the database is unreachable instead of hanging the agent's start
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        this.pool = new HikariDataSource(hc);
    }

    public Kind kind() {
        return kind;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} in a transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
