package io.crak.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.quartz.impl.jdbcjobstore.JobStoreSupport;

/**
 * Creates Quartz's tables (from the DDL shipped inside the Quartz jar) and Crak's own
 * ({@code crak-tables.sql}) when they are missing. Agents of a cluster may start at the same time
 * on an empty PostgreSQL: creation runs under a transaction-scoped advisory lock, and PostgreSQL's
 * DDL is transactional, so exactly one of them creates everything.
 */
public final class Schema {
    /** Arbitrary but fixed key of the advisory lock that serializes schema creation. */
    static final long SCHEMA_LOCK_KEY = 0x637261_6b5f6462L;
    static final String PLACEMENT_LOCK = "placement";

    private Schema() {
    }

    public static void ensure(Database db) throws SQLException, IOException {
        String quartzDdl = resource(JobStoreSupport.class, db.kind() == Database.Kind.H2
                ? "tables_h2.sql" : "tables_postgres.sql");
        String crakDdl = resource(Schema.class, "crak-tables.sql");
        db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                if (db.kind() == Database.Kind.POSTGRESQL) {
                    s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
                }
                if (!tableExists(c, "QRTZ_LOCKS")) {
                    for (String stmt : statements(quartzDdl)) {
                        s.execute(stmt);
                    }
                }
                for (String stmt : statements(crakDdl)) {
                    s.execute(stmt);
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM CRAK_LOCKS WHERE NAME = '" + PLACEMENT_LOCK + "'")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        s.execute("INSERT INTO CRAK_LOCKS (NAME) VALUES ('" + PLACEMENT_LOCK + "')");
                    }
                }
            }
            return null;
        });
    }

    static boolean tableExists(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        for (String name : List.of(table, table.toLowerCase())) {
            try (ResultSet rs = md.getTables(null, null, name, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The executable statements of a DDL script: comments, DROPs and COMMITs left out. */
    static List<String> statements(String script) {
        StringBuilder clean = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (!t.startsWith("--") && !t.startsWith("#")) {
                clean.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String stmt : clean.toString().split(";")) {
            String t = stmt.strip();
            String upper = t.toUpperCase();
            if (!t.isEmpty() && !upper.startsWith("DROP ") && !upper.equals("COMMIT")) {
                out.add(t);
            }
        }
        return out;
    }

    private static String resource(Class<?> anchor, String name) throws IOException {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " next to " + anchor.getName() + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
