package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.domain.Team;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the SQL databases under {@link JdbcStore}: where the migrations live and how a
 * team-scoped write transaction begins and ends. The queries themselves are portable SQL (positional
 * parameters, {@code LIMIT}, {@code ON CONFLICT ... DO NOTHING}) and live in one place, so PostgreSQL is a
 * second implementation of this interface, not a second store.
 *
 * <p>Connections handed to a dialect are in auto-commit mode; the dialect opens the transaction and
 * leaves the connection in auto-commit mode again when it commits or rolls back.
 */
public interface Dialect {

    /** Short name used in {@link JdbcStore#describe()}, e.g. {@code sqlite}. */
    String name();

    /** Flyway location of this dialect's migrations, e.g. {@code classpath:db/migration/sqlite}. */
    String migrationLocation();

    /**
     * Whether the database admits one writer at a time. The store then queues writers on a fair
     * in-process lock instead of letting them poll the database's busy handler.
     */
    boolean singleWriter();

    /**
     * Begins a write transaction for {@code team}. Afterwards no other writer may change the team's rows
     * until this one ends (SQLite: {@code BEGIN IMMEDIATE}; PostgreSQL: a per-team advisory transaction lock, and
     * the team that row-level security admits). {@code team} is null for the store's own
     * maintenance writes across teams (purging expired snapshots).
     */
    void begin(Connection connection, Team team) throws SQLException;

    /**
     * Begins a read-only transaction for the store's lookups across teams (a snapshot by its id, the teams
     * with due email). It must not wait for writers (SQLite: a deferred {@code BEGIN}); where rows are
     * guarded per team (PostgreSQL row-level security) it is the one place allowed to see every team.
     */
    void beginCrossTeamRead(Connection connection) throws SQLException;

    /** Commits durably: when this returns the transaction survives a crash. */
    void commit(Connection connection) throws SQLException;

    void rollback(Connection connection) throws SQLException;
}
