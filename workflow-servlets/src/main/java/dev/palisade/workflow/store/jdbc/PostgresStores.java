package dev.palisade.workflow.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreStartupException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the shared store: PostgreSQL, for several server processes on one database. In order: a HikariCP
 * pool connects (failing at once, with one line, when the database cannot be reached or refuses the
 * login); every connection gets a {@code lock_timeout} and a {@code statement_timeout}; the role is checked
 * for what would void row-level security (a superuser or {@code BYPASSRLS} role: warned); Flyway applies
 * the migrations into the connection's current schema (validated, never cleaned; Flyway's own lock lets
 * several processes start at once). Any failure releases the pool and throws
 * {@link StoreStartupException} with one line for the operator, without the password.
 *
 * <p>Unlike SQLite there is no data-directory lock: processes share the database by design, and PostgreSQL
 * commits are durable with the server's default {@code synchronous_commit=on}.
 */
public final class PostgresStores {
    private static final PostgresDialect DIALECT = new PostgresDialect();
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStores.class);
    private static final long CONNECT_TIMEOUT_SECONDS = 5;
    /**
     * How long a caller waits for a pooled connection before its request is answered 503. A free connection is
     * handed out in microseconds and a new one made in milliseconds; the transactions are short, and writers
     * queue for their team's turn before they borrow one. A wait of seconds means the database is gone or
     * overloaded, and a client told to retry does better than a request thread held for the lock timeout (10 s).
     * While the database is unreachable only one caller per rest pays this ({@link OutageRest}).
     */
    static final Duration CONNECTION_WAIT = Duration.ofSeconds(3);
    /** A pooled connection's liveness check before it is handed out; below {@link #CONNECTION_WAIT}. */
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(1);

    private PostgresStores() {
    }

    public static Store open(PostgresStoreConfig config) {
        String description = config.describe();
        HikariDataSource pool = pool(config, description);
        try {
            checkSession(pool, description);
            Migrations.apply(pool, DIALECT, "database " + description);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        LOG.info("store {} open", description);
        return new JdbcStore(pool, DIALECT, description, config.lockTimeout(), pool::evictConnection,
                pool::close);
    }

    private static HikariDataSource pool(PostgresStoreConfig config, String description) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        config.user().ifPresent(hikari::setUsername);
        config.password().ifPresent(hikari::setPassword);
        hikari.setPoolName("palisade-postgres");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(true);
        hikari.setConnectionTimeout(CONNECTION_WAIT.toMillis());
        hikari.setValidationTimeout(VALIDATION_TIMEOUT.toMillis());
        hikari.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT_SECONDS));
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("ApplicationName", "palisade");
        // Without this the driver appends the server's DETAIL to exception messages: a second line, and for a role
        // that row-level security does not hold, the failing row's values (emails, ids) in the server log.
        hikari.addDataSourceProperty("logServerErrorDetail", "false");
        // A writer waits at most lockTimeout for its team's advisory lock or a row lock; no statement of this
        // workflow needs minutes, so one that runs that long is stuck and is cancelled.
        hikari.setConnectionInitSql("SET lock_timeout = " + config.lockTimeout().toMillis()
                + "; SET statement_timeout = " + config.lockTimeout().multipliedBy(6).toMillis());
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StoreStartupException("Cannot connect to database " + description + ": "
                    + Migrations.rootMessage(e), e);
        }
    }

    /** Warns when the role is not held by row-level security, the second wall between teams. */
    private static void checkSession(HikariDataSource pool, String description) {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT current_user, rolsuper OR rolbypassrls,"
                        + " current_schema() FROM pg_roles WHERE rolname = current_user")) {
            if (!row.next()) {
                throw new StoreStartupException("Database " + description + ": cannot read the current role");
            }
            if (row.getString(3) == null) {
                throw new StoreStartupException("Database " + description
                        + " has no current schema: create the schema named in currentSchema, or grant access to it");
            }
            if (row.getBoolean(2)) {
                LOG.warn("database role {} is a superuser or has BYPASSRLS: row-level security does not hold it;"
                        + " connect as an ordinary role that owns the schema", row.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreStartupException("Cannot use database " + description + ": " + e.getMessage(), e);
        }
    }
}
