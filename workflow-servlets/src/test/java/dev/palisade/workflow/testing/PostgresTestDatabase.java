package dev.palisade.workflow.testing;

import dev.palisade.workflow.store.jdbc.PostgresStoreConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL the store tests run against: {@code PALISADE_TEST_DATABASE_URL} (a JDBC URL with the
 * admin user), else {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}. When it cannot be reached the
 * calling test is skipped with a message, unless {@code REQUIRE_SERVICES=1}, where that is a failure (CI must
 * not go green by skipping).
 *
 * <p>Each test gets its own schema ({@link #newSchema}), dropped by {@link Schema#close()}, so tests never see
 * each other's rows and leave nothing behind.
 */
public final class PostgresTestDatabase {
    public static final String ADMIN_URL = Optional.ofNullable(System.getenv("PALISADE_TEST_DATABASE_URL"))
            .orElse("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private static volatile String unreachable;
    private static volatile boolean probed;

    private PostgresTestDatabase() {
    }

    /** Skips (or, with {@code REQUIRE_SERVICES=1}, fails) the calling test when PostgreSQL is not there. */
    public static void require() {
        if (!probed) {
            probe();
        }
        if (unreachable == null) {
            return;
        }
        if ("1".equals(System.getenv("REQUIRE_SERVICES"))) {
            Assertions.fail(unreachable + " and REQUIRE_SERVICES=1");
        }
        Assumptions.abort(unreachable + "; skipped (set REQUIRE_SERVICES=1 to make this a failure)");
    }

    private static synchronized void probe() {
        if (probed) {
            return;
        }
        try (Connection connection = admin()) {
            unreachable = connection.isValid(2) ? null : "PostgreSQL at " + ADMIN_URL + " does not answer";
        } catch (SQLException e) {
            unreachable = "PostgreSQL at " + ADMIN_URL + " is unreachable (" + e.getMessage() + ")";
        }
        probed = true;
    }

    /** The admin user named in {@link #ADMIN_URL} ({@code postgres} when it names none). */
    public static String adminUser() {
        Matcher user = Pattern.compile("[?&]user=([^&]*)").matcher(ADMIN_URL);
        return user.find() ? user.group(1) : "postgres";
    }

    /** A connection as the admin user, in auto-commit mode. */
    public static Connection admin() throws SQLException {
        DriverManager.setLoginTimeout(3);
        return DriverManager.getConnection(ADMIN_URL);
    }

    /** A fresh, empty schema owned by the admin user (a superuser: row-level security does not hold it). */
    public static Schema newSchema() {
        return newSchema(null);
    }

    /**
     * A fresh schema owned by a new ordinary role (no superuser, no {@code BYPASSRLS}), which the store connects
     * as: row-level security holds it. The role is dropped with the schema.
     */
    public static Schema newSchemaWithOwnRole() {
        return newSchema("palisade_t_" + shortId());
    }

    private static Schema newSchema(String role) {
        require();
        String schema = "palisade_t_" + shortId();
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            if (role != null) {
                statement.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS");
                statement.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + connection.getCatalog() + " TO " + role);
                statement.execute("CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
            } else {
                statement.execute("CREATE SCHEMA " + schema);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema " + schema, e);
        }
        return new Schema(schema, role);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    /** One test's schema (and role): the store's config points at it; closing drops both. */
    public static final class Schema implements AutoCloseable {
        private final String name;
        private final String role;
        private final AtomicBoolean closed = new AtomicBoolean();

        Schema(String name, String role) {
            this.name = name;
            this.role = role;
        }

        public String name() {
            return name;
        }

        /** The schema's own role, or null when it belongs to the admin user. */
        public String role() {
            return role;
        }

        /** A JDBC URL whose current schema is this one, connecting as its role (or the admin user). */
        public String jdbcUrl() {
            String url = ADMIN_URL.replaceAll("([?&])user=[^&]*&?", "$1").replaceAll("[?&]$", "");
            String user = role == null ? adminUser() : role;
            return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name + "&user=" + user;
        }

        public PostgresStoreConfig config() {
            return PostgresStoreConfig.fromDatabaseUrl(jdbcUrl());
        }

        /** Drops the schema and its role; later calls do nothing. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try (Connection connection = admin(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                if (role != null) {
                    statement.execute("DROP OWNED BY " + role + " CASCADE");
                    statement.execute("DROP ROLE IF EXISTS " + role);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop test schema " + name, e);
            }
        }
    }
}
