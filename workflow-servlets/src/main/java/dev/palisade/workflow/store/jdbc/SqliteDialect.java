package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Team;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQLite: one writer at a time per database file. A write transaction starts with {@code BEGIN IMMEDIATE},
 * which takes the write lock before the first read, so a read-modify-write cannot interleave with another
 * writer (a deferred {@code BEGIN} would fail with {@code SQLITE_BUSY} on the upgrade instead). The
 * connection stays in JDBC auto-commit mode and the transaction is driven by statements, because the
 * driver's own transaction handling begins the next transaction eagerly after each commit, which in
 * immediate mode would hold the write lock while the connection sits idle in the pool.
 * Durability comes from {@code synchronous=FULL} in WAL mode, set on every connection by {@link SqliteStores}.
 */
public final class SqliteDialect implements Dialect {

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String migrationLocation() {
        return "classpath:db/migration/sqlite";
    }

    @Override
    public boolean singleWriter() {
        return true;
    }

    @Override
    public void begin(Connection connection, Team team) throws SQLException {
        execute(connection, "BEGIN IMMEDIATE");
    }

    @Override
    public void beginCrossTeamRead(Connection connection) throws SQLException {
        // Deferred: a reader takes no write lock, and WAL lets it run beside the writer.
        execute(connection, "BEGIN");
    }

    @Override
    public void commit(Connection connection) throws SQLException {
        execute(connection, "COMMIT");
    }

    @Override
    public void rollback(Connection connection) throws SQLException {
        execute(connection, "ROLLBACK");
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
