package dev.palisade.workflow.store.jdbc;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.palisade.workflow.domain.EmailStatus;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreException;
import dev.palisade.workflow.store.StoreUnavailableException;
import dev.palisade.workflow.store.TeamWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} on JDBC, for any {@link Dialect}. Each {@link #inTeam} borrows one pooled connection,
 * begins a write transaction through the dialect, runs the work on a {@link JdbcTeamStore} bound to the
 * team, and commits (or rolls back and rethrows). For single-writer databases the writers queue on a fair
 * in-process lock first, so they wait in order instead of polling the database's busy handler; for the
 * others one team's writers in this process queue on a fair lock of that team before they borrow a
 * connection (the dialect's database lock then only orders them against other processes). Readers of the
 * unscoped lookups ({@link #snapshot}, {@link #teamsWithDueEmail}) do not queue behind writers.
 *
 * <p>Built by a dialect's factory ({@link SqliteStores}, {@link PostgresStores}), which owns the pool (and
 * for SQLite the data-directory lock) and hands their release to the store as {@code onClose}.
 */
public final class JdbcStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

    /** Snapshot types that also end when their event becomes terminal (see {@link SnapshotType}). */
    private static final List<SnapshotType> TIED_TO_EVENT = List.of(SnapshotType.OFFER, SnapshotType.ROOMS);
    private static final List<EventStatus> TERMINAL =
            Arrays.stream(EventStatus.values()).filter(EventStatus::isTerminal).collect(Collectors.toUnmodifiableList());

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String description;
    private final Duration writerWait;
    private final Consumer<Connection> discardBroken;
    private final Runnable onClose;
    private final ReentrantLock writers = new ReentrantLock(true);
    /**
     * For databases with many writers: one team's writers in this process queue here before they borrow a
     * connection, so those waiting for the team's database lock hold no pooled connection that another
     * team's request needs. Weak values: a team's lock lives while someone holds or waits for it.
     */
    private final LoadingCache<Team, ReentrantLock> teamTurns =
            Caffeine.newBuilder().weakValues().build(team -> new ReentrantLock(true));
    private final ThreadLocal<Boolean> insideTransaction = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private volatile boolean closed;
    private final OutageRest outage;

    /**
     * @param description   what {@link #describe()} returns, e.g. {@code sqlite:/var/lib/palisade/palisade.db}
     * @param writerWait    how long a writer waits for its turn before failing with {@link StoreException}
     * @param discardBroken removes a connection from the pool when its transaction state is unknown
     * @param onClose       releases the pool and any lock, in that order
     */
    JdbcStore(DataSource dataSource, Dialect dialect, String description, Duration writerWait,
            Consumer<Connection> discardBroken, Runnable onClose) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.description = Objects.requireNonNull(description, "description");
        this.writerWait = Objects.requireNonNull(writerWait, "writerWait");
        this.discardBroken = Objects.requireNonNull(discardBroken, "discardBroken");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        this.outage = new OutageRest(description, System::nanoTime);
    }

    @Override
    public <T> T inTeam(Team team, TeamWork<T> work) {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(work, "work");
        return write(team, connection -> {
            JdbcTeamStore store = new JdbcTeamStore(connection, team);
            try {
                return work.run(store);
            } finally {
                store.invalidate();
            }
        });
    }

    @Override
    public Optional<Snapshot> snapshot(String snapshotId, Instant now) {
        Objects.requireNonNull(now, "now");
        if (snapshotId == null || snapshotId.isEmpty()) {
            return Optional.empty();
        }
        List<Object> params = new ArrayList<>();
        params.add(snapshotId);
        params.add(now.toEpochMilli());
        params.addAll(TIED_TO_EVENT);
        params.addAll(TERMINAL);
        // An offer or rooms page also ends with its event (confirmed, declined, cancelled), even before
        // the workflow has deleted it.
        String query = "SELECT s.id, s.event_id, s.type, s.payload, s.created_at, s.expires_at FROM snapshots s"
                + " WHERE s.id = ? AND s.expires_at > ? AND NOT (s.type IN (" + placeholders(TIED_TO_EVENT.size())
                + ") AND EXISTS (SELECT 1 FROM events e WHERE e.team = s.team AND e.id = s.event_id AND e.status IN ("
                + placeholders(TERMINAL.size()) + ")))";
        return readAcrossTeams(connection -> new Sql(connection).first(query, JdbcTeamStore::snapshot, params.toArray()));
    }

    @Override
    public List<Team> teamsWithDueEmail(Instant now) {
        Objects.requireNonNull(now, "now");
        return readAcrossTeams(connection -> new Sql(connection).list(
                "SELECT DISTINCT team FROM outbox_emails WHERE status = ? AND next_attempt_at <= ? ORDER BY team",
                row -> new Team(row.getString("team")), EmailStatus.PENDING, now.toEpochMilli()));
    }

    @Override
    public int purgeExpiredSnapshots(Instant now) {
        Objects.requireNonNull(now, "now");
        List<Object> params = new ArrayList<>();
        params.add(now.toEpochMilli());
        params.addAll(TIED_TO_EVENT);
        params.addAll(TERMINAL);
        String query = "DELETE FROM snapshots WHERE expires_at <= ? OR (type IN (" + placeholders(TIED_TO_EVENT.size())
                + ") AND EXISTS (SELECT 1 FROM events e WHERE e.team = snapshots.team AND e.id = snapshots.event_id"
                + " AND e.status IN (" + placeholders(TERMINAL.size()) + ")))";
        int purged = write(null, connection -> new Sql(connection).update(query, params.toArray()));
        LOG.debug("purged {} expired snapshots", purged);
        return purged;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.run();
        LOG.info("store {} closed", description);
    }

    // --- transactions --------------------------------------------------------------------------

    /** Runs {@code work} in one write transaction; {@code team} is null for the unscoped maintenance writes. */
    private <T> T write(Team team, Function<Connection, T> work) {
        checkOpen();
        if (insideTransaction.get()) {
            // A nested write would wait for the write lock its own thread holds.
            throw new IllegalStateException("inTeam does not nest: finish the current work first");
        }
        ReentrantLock turn = dialect.singleWriter() ? writers : team == null ? null : teamTurns.get(team);
        if (turn != null) {
            awaitTurn(turn);
        }
        insideTransaction.set(Boolean.TRUE);
        try (Connection connection = connect()) {
            return inTransaction(connection, c -> dialect.begin(c, team), work);
        } catch (SQLException e) {
            throw failure("write transaction on " + description + " failed: " + e.getMessage(), e);
        } catch (StoreException e) {
            throw unavailableIfTransient(e);
        } finally {
            insideTransaction.remove();
            if (turn != null) {
                turn.unlock();
            }
        }
    }

    /** How a transaction begins: a write for one team, or a read across teams. */
    @FunctionalInterface
    private interface Begin {
        void on(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Connection connection, Begin begin, Function<Connection, T> work) throws SQLException {
        begin.on(connection);
        T result;
        try {
            result = work.apply(connection);
            dialect.commit(connection);
        } catch (Throwable e) {
            // Throwable, not just the declared ones: work that sneaks out a checked exception must not leave
            // the pooled connection inside an open transaction.
            rollback(connection, e);
            throw e;
        }
        return result;
    }

    private void rollback(Connection connection, Throwable cause) {
        try {
            dialect.rollback(connection);
        } catch (SQLException | RuntimeException rollbackFailure) {
            // The transaction state is unknown: the connection must not serve another transaction.
            cause.addSuppressed(rollbackFailure);
            LOG.warn("rollback failed on {}; discarding the connection", description, rollbackFailure);
            discardBroken.accept(connection);
        }
    }

    private void awaitTurn(ReentrantLock turn) {
        boolean acquired;
        try {
            acquired = turn.tryLock(writerWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to write to " + description, e);
        }
        if (!acquired) {
            throw new StoreUnavailableException("timed out after " + writerWait + " waiting to write to " + description);
        }
    }

    /** Runs {@code work} in the dialect's read-only transaction across teams; it does not queue behind writers. */
    private <T> T readAcrossTeams(Function<Connection, T> work) {
        return read(connection -> {
            try {
                return inTransaction(connection, dialect::beginCrossTeamRead, work);
            } catch (SQLException e) {
                throw new StoreException("read on " + description + " failed: " + e.getMessage(), e);
            }
        });
    }

    /** Writers of {@code team} in this process waiting for their turn (many-writer databases); for tests. */
    int queuedWriters(Team team) {
        ReentrantLock turn = teamTurns.getIfPresent(team);
        return turn == null ? 0 : turn.getQueueLength();
    }

    /** Runs {@code work} on a pooled connection outside any transaction (single statements, tests). */
    <T> T read(Function<Connection, T> work) {
        checkOpen();
        try (Connection connection = connect()) {
            return work.apply(connection);
        } catch (SQLException e) {
            throw failure("cannot use a database connection of " + description + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw unavailableIfTransient(e);
        }
    }

    /** A pooled connection, or at once {@link StoreUnavailableException} while the database is known down. */
    private Connection connect() throws SQLException {
        long state = outage.enter();
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            outage.failed(state, e);
            throw e;
        }
        outage.connected(state);
        return connection;
    }

    /** A failure the caller may retry (the database could not serve now) becomes {@link StoreUnavailableException}. */
    private static StoreException failure(String message, SQLException cause) {
        return TransientFailures.isTransient(cause) ? new StoreUnavailableException(message, cause)
                : new StoreException(message, cause);
    }

    private static StoreException unavailableIfTransient(StoreException e) {
        if (e instanceof StoreUnavailableException || !TransientFailures.isTransient(e)) {
            return e;
        }
        return new StoreUnavailableException(e.getMessage(), e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + description + " is closed");
        }
    }

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
