package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Team;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL: many writers, in many processes. A team's write transaction first takes a transaction-scoped
 * advisory lock on the team, so two writers of one team (in this process or another) run one after the
 * other and a read-modify-write (approving a task, accepting an offer) cannot interleave; writers of
 * different teams do not wait for each other. The lock wait is bounded by the connection's
 * {@code lock_timeout} (set by {@link PostgresStores}).
 *
 * <p>Row-level security is the second wall between teams: every table admits only the rows of the team
 * named in the transaction-local setting {@code palisade.team}, which {@link #begin} sets; a query that
 * forgot its team filter still sees one team. Only {@link #beginCrossTeamRead} (read-only) and the
 * store's maintenance writes (team {@code null}) set {@code palisade.scope} to {@code all}. Both settings
 * are {@code set_config(..., true)}: they end with the transaction, so a pooled connection never carries
 * one team's scope into the next transaction.
 */
public final class PostgresDialect implements Dialect {
    /** First key of the two-key advisory lock, so Palisade's locks do not collide with another application's. */
    static final int LOCK_NAMESPACE = 0x50414c53;

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String migrationLocation() {
        return "classpath:db/migration/postgresql";
    }

    @Override
    public boolean singleWriter() {
        return false;
    }

    @Override
    public void begin(Connection connection, Team team) throws SQLException {
        connection.setAutoCommit(false);
        try {
            if (team == null) {
                setScopeAll(connection);
                return;
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT set_config('palisade.team', ?, true), pg_advisory_xact_lock(?, hashtext(?))")) {
                statement.setString(1, team.id());
                statement.setInt(2, LOCK_NAMESPACE);
                statement.setString(3, team.id());
                statement.execute();
            }
        } catch (SQLException | RuntimeException e) {
            endFailedBegin(connection, e);
            throw e;
        }
    }

    @Override
    public void beginCrossTeamRead(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION READ ONLY");
            }
            setScopeAll(connection);
        } catch (SQLException | RuntimeException e) {
            endFailedBegin(connection, e);
            throw e;
        }
    }

    @Override
    public void commit(Connection connection) throws SQLException {
        connection.commit();
        connection.setAutoCommit(true);
    }

    @Override
    public void rollback(Connection connection) throws SQLException {
        connection.rollback();
        connection.setAutoCommit(true);
    }

    private static void setScopeAll(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT set_config('palisade.scope', 'all', true)");
        }
    }

    /** A begin that failed (lock timeout, lost connection) must not leave the pooled connection mid-transaction. */
    private void endFailedBegin(Connection connection, Exception cause) {
        try {
            rollback(connection);
        } catch (SQLException rollbackFailure) {
            // The store discards a connection whose rollback failed; here the begin's failure is what the caller sees.
            cause.addSuppressed(rollbackFailure);
        }
    }
}
