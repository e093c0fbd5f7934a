package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_B;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.heldEvent;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.newEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.workflow.domain.Conversation;
import dev.palisade.workflow.domain.Deposit;
import dev.palisade.workflow.domain.DepositStatus;
import dev.palisade.workflow.domain.Direction;
import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.domain.EventStatus;
import dev.palisade.workflow.domain.HilTask;
import dev.palisade.workflow.domain.Ids;
import dev.palisade.workflow.domain.Offer;
import dev.palisade.workflow.domain.OfferStatus;
import dev.palisade.workflow.domain.SnapshotType;
import dev.palisade.workflow.domain.Step;
import dev.palisade.workflow.domain.TaskKind;
import dev.palisade.workflow.domain.TaskStatus;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.domain.Upload;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreException;
import dev.palisade.workflow.store.StoreUnavailableException;
import dev.palisade.workflow.store.StoreStartupException;
import dev.palisade.workflow.store.TeamStore;
import dev.palisade.workflow.testing.PostgresTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.LoggerFactory;

/**
 * What only PostgreSQL does: row-level security as a second wall between teams, per-team advisory locks that
 * serialise writers across processes (here: two pools on one schema) but not across teams, the lock timeout,
 * start-up failures, concurrent migration, and the warning for a role that row-level security does not hold.
 */
class PostgresStoreTest {
    private static final LocalDate DATE = LocalDate.of(2026, 9, 19);
    private static final String SECRET = "s3cret-pw";
    /** The admin user with a password the server never needs (trust auth) and must never repeat. */
    private static final String ADMIN_USER_WITH_SECRET = "postgres://" + PostgresTestDatabase.adminUser() + ":"
            + SECRET;
    private static final List<String> TABLES = List.of("clients", "rooms", "events", "conversations", "messages",
            "offers", "deposits", "hil_tasks", "snapshots", "outbox_emails", "uploads", "team_config");

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeEach
    void requirePostgres() {
        PostgresTestDatabase.require();
    }

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).as("test threads ended").isTrue();
        while (!toClose.isEmpty()) {
            toClose.pop().close();
        }
    }

    // --- row-level security --------------------------------------------------------------------

    @Test
    void rowLevelSecurityHoldsSqlThatForgetsTheTeamFilter() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        Store store = open(schema.config());
        store.inTeam(TEAM_A, (TeamStore a) -> oneOfEverything(a, "a"));
        store.inTeam(TEAM_B, (TeamStore b) -> oneOfEverything(b, "b"));
        for (String table : TABLES) {
            assertThat(teamsInTableAsAdmin(schema, table)).as("rows of both teams in %s", table)
                    .containsExactly("team-a", "team-b");
        }

        store.inTeam(TEAM_B, (TeamStore b) -> {
            Connection connection = ((JdbcTeamStore) b).connection();
            for (String table : TABLES) {
                assertThat(strings(connection, "SELECT DISTINCT team FROM " + table))
                        .as("teams visible in %s inside team-b's transaction", table).containsExactly("team-b");
            }
            // Writes without a filter reach the transaction's team only.
            assertThat(update(connection, "UPDATE events SET guests = 999")).isOne();
            assertThat(update(connection, "DELETE FROM outbox_emails")).isOne();
            return null;
        });
        store.inTeam(TEAM_A, (TeamStore a) -> {
            assertThat(a.events(10)).singleElement().satisfies(e -> assertThat(e.guests()).isEqualTo(40));
            assertThat(a.outboxDepth()).isOne();
            return null;
        });

        assertRefusedByPolicy(store, TEAM_B, "INSERT INTO team_config (team, hil_email) VALUES ('team-a', 'x@evil.example')"
                + " ON CONFLICT (team) DO UPDATE SET hil_email = excluded.hil_email");
        assertRefusedByPolicy(store, TEAM_B, "INSERT INTO uploads (team, id, stored_name, media_type, size_bytes, sha256,"
                + " created_at) VALUES ('team-a', 'u1', 's', 'text/plain', 1, 'x', 0)");
        // Moving one's own row into another team is a write the other team's wall refuses too.
        assertRefusedByPolicy(store, TEAM_B, "UPDATE uploads SET team = 'team-a'");
        assertThat(store.inTeam(TEAM_A, (TeamStore a) -> a.hilEmail())).contains("a@venue.example");
    }

    @Test
    void aConnectionWithoutATeamSeesNoRowsAndWritesNone() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        Store store = open(schema.config());
        store.inTeam(TEAM_A, (TeamStore a) -> oneOfEverything(a, "a"));
        store.inTeam(TEAM_B, (TeamStore b) -> oneOfEverything(b, "b"));

        try (Connection plain = DriverManager.getConnection(schema.jdbcUrl())) {
            for (String table : TABLES) {
                assertThat(count(plain, "SELECT count(*) FROM " + table)).as("rows of %s without a team", table).isZero();
            }
            assertThatThrownBy(() -> update(plain, "INSERT INTO team_config (team) VALUES ('team-c')"))
                    .hasRootCauseInstanceOf(SQLException.class).hasMessageContaining("row-level security");

            // What the dialect does at begin, by hand: the transaction sees its team only, and writes no other.
            plain.setAutoCommit(false);
            strings(plain, "SELECT set_config('palisade.team', 'team-b', true)");
            assertThat(count(plain, "SELECT count(*) FROM events")).isOne();
            assertThat(strings(plain, "SELECT DISTINCT team FROM clients")).containsExactly("team-b");
            plain.commit();
            plain.setAutoCommit(true);
            // The setting ended with the transaction: a pooled connection carries no team into the next one.
            assertThat(count(plain, "SELECT count(*) FROM events")).isZero();

            plain.setAutoCommit(false);
            strings(plain, "SELECT set_config('palisade.team', 'team-b', true)");
            assertThatThrownBy(() -> update(plain, "INSERT INTO team_config (team) VALUES ('team-a')"))
                    .hasMessageContaining("row-level security");
            plain.rollback();
            plain.setAutoCommit(true);
        }
    }

    // --- writers across processes --------------------------------------------------------------

    @Test
    void twoStoresOnOneDatabaseLoseNoUpdateOfOneTeamsEvent() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        Store first = open(withPool(schema.config(), 4, PostgresStoreConfig.DEFAULT_LOCK_TIMEOUT));
        Store second = open(withPool(schema.config(), 4, PostgresStoreConfig.DEFAULT_LOCK_TIMEOUT));
        Event event = first.inTeam(TEAM_A, (TeamStore s) -> {
            Event zero = newEvent(s, "count@example.com", T0).withDetails(null, false, 0, List.of(), T0);
            s.updateEvent(zero);
            return zero;
        });
        int writersPerStore = 4;
        int incrementsEach = 20;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        for (Store store : List.of(first, second)) {
            for (int w = 0; w < writersPerStore; w++) {
                writers.add(threads.submit(() -> {
                    assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
                    for (int i = 0; i < incrementsEach; i++) {
                        store.inTeam(TEAM_A, (TeamStore s) -> {
                            Event current = s.event(event.id()).orElseThrow();
                            return s.updateEvent(current.withDetails(null, false, current.guests() + 1, List.of(), T0));
                        });
                    }
                    return null;
                }));
            }
        }
        start.countDown();
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }

        assertThat(second.inTeam(TEAM_A, (TeamStore s) -> s.event(event.id())).orElseThrow().guests())
                .isEqualTo(2 * writersPerStore * incrementsEach);
    }

    @Test
    void aTeamsOpenTransactionDoesNotHoldUpAnotherTeamInAnotherStore() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        Store first = open(schema.config());
        Store second = open(withPool(schema.config(), 2, Duration.ofSeconds(2)));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        Future<Event> teamA = threads.submit(() -> first.inTeam(TEAM_A, (TeamStore a) -> {
            Event event = newEvent(a, "a@example.com", T0);
            holding.countDown();
            await(release);
            return event;
        }));
        await(holding);

        Event teamB = threads.submit(() -> second.inTeam(TEAM_B, (TeamStore b) -> newEvent(b, "b@example.com", T0)))
                .get(10, TimeUnit.SECONDS);
        assertThat(teamA).as("team A's transaction is still open").isNotDone();
        assertThat(first.inTeam(TEAM_B, (TeamStore b) -> b.event(teamB.id()))).contains(teamB);

        release.countDown();
        Event eventA = teamA.get(10, TimeUnit.SECONDS);
        assertThat(second.inTeam(TEAM_A, (TeamStore a) -> a.event(eventA.id()))).contains(eventA);
    }

    @Test
    void oneTeamsQueuedWritersHoldNoConnectionAnotherTeamNeeds() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        Store store = open(withPool(schema.config(), 2, Duration.ofSeconds(10)));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Event> first = threads.submit(() -> store.inTeam(TEAM_A, (TeamStore a) -> {
            Event event = newEvent(a, "first@example.com", T0);
            holding.countDown();
            await(release);
            return event;
        }));
        await(holding);
        List<Future<List<Event>>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(threads.submit(() -> store.inTeam(TEAM_A, (TeamStore a) -> a.events(10))));
        }
        Awaitility.await("team A's writers queued in the store").atMost(Duration.ofSeconds(10))
                .until(() -> ((JdbcStore) store).queuedWriters(TEAM_A) == 3);

        // Two connections: A's open transaction holds one; A's queued writers must not hold the other.
        Event teamB = threads.submit(() -> store.inTeam(TEAM_B, (TeamStore b) -> newEvent(b, "b@example.com", T0)))
                .get(5, TimeUnit.SECONDS);
        assertThat(store.inTeam(TEAM_B, (TeamStore b) -> b.event(teamB.id()))).contains(teamB);
        assertThat(first).isNotDone();

        release.countDown();
        Event event = first.get(10, TimeUnit.SECONDS);
        for (Future<List<Event>> writer : queued) {
            assertThat(writer.get(10, TimeUnit.SECONDS)).extracting(Event::id).containsExactly(event.id());
        }
    }

    @Test
    void aWriterThatCannotGetItsTeamsLockFailsAfterTheLockTimeoutAndThePoolRecovers() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        Store holder = open(schema.config());
        Store waiter = open(withPool(schema.config(), 2, Duration.ofSeconds(1)));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Event> held = threads.submit(() -> holder.inTeam(TEAM_A, (TeamStore a) -> {
            Event event = newEvent(a, "held@example.com", T0);
            holding.countDown();
            await(release);
            return event;
        }));
        await(holding);

        Future<?> blocked = threads.submit(() -> waiter.inTeam(TEAM_A, (TeamStore a) -> a.events(1)));
        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(StoreUnavailableException.class).hasMessageContaining("lock timeout");
        assertThat(held).isNotDone();
        // Another team is not held up by the failure or the holder.
        assertThat(waiter.inTeam(TEAM_B, (TeamStore b) -> b.events(1))).isEmpty();

        release.countDown();
        Event event = held.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            assertThat(waiter.inTeam(TEAM_A, (TeamStore a) -> a.updateEvent(event.withStep(Step.OFFER, T0)))).isTrue();
        }
        // The failed begin left no connection inside a transaction (nor holding a lock).
        assertThat(sessionsIdleInTransaction(schema)).isZero();
    }

    @Test
    void aBeginThatTimesOutLeavesTheConnectionOutsideATransactionAndInAutoCommit() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        open(schema.config()).close();
        PostgresDialect dialect = new PostgresDialect();
        try (Connection holder = DriverManager.getConnection(schema.jdbcUrl());
                Connection waiter = DriverManager.getConnection(schema.jdbcUrl())) {
            dialect.begin(holder, TEAM_A);
            strings(waiter, "SELECT set_config('lock_timeout', '200ms', false)");

            // Without a pool behind it: the dialect itself must end what it began (Dialect's contract).
            assertThatThrownBy(() -> dialect.begin(waiter, TEAM_A)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("lock timeout");
            assertThat(waiter.getAutoCommit()).isTrue();
            assertThat(waiter.unwrap(BaseConnection.class).getTransactionState()).isEqualTo(TransactionState.IDLE);
            assertThat(strings(waiter, "SELECT coalesce(current_setting('palisade.team', true), '')")).containsExactly("");

            dialect.begin(waiter, TEAM_B);
            assertThat(strings(waiter, "SELECT current_setting('palisade.team', true)")).containsExactly("team-b");
            dialect.commit(waiter);
            dialect.rollback(holder);
            assertThat(holder.getAutoCommit()).isTrue();
        }
    }

    @Test
    void aFailedStatementNamesNoRowValuesAndIsOneLine() {
        PostgresTestDatabase.Schema superuserSchema = PostgresTestDatabase.newSchema();
        toClose.push(superuserSchema);
        // A superuser is warned about but allowed; the server then details the failing key's values.
        for (Store store : List.of(open(schemaWithOwnRole().config()), open(superuserSchema.config()))) {
            Event orphan = new Event(Ids.newId(), "client-" + SECRET, EventStatus.LEAD, Step.INTAKE, null, false, null,
                    List.of(), null, T0, T0);
            assertThatThrownBy(() -> store.inTeam(TEAM_A, (TeamStore a) -> {
                a.insertEvent(orphan);
                return null;
            })).isInstanceOf(StoreException.class)
                    .hasMessageContaining("foreign key")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("\n"));
            String email = "dup-" + SECRET + "@example.com";
            store.inTeam(TEAM_A, (TeamStore a) -> a.findOrCreateClient(email, null, T0));
            assertThatThrownBy(() -> store.inTeam(TEAM_A, (TeamStore a) -> {
                update(((JdbcTeamStore) a).connection(), "INSERT INTO clients (team, id, email, created_at)"
                        + " VALUES ('team-a', 'c2', '" + email + "', 0)");
                return null;
            })).hasRootCauseInstanceOf(SQLException.class)
                    .rootCause().hasMessageContaining("duplicate key").hasMessageNotContaining(SECRET);
            // The transactions were rolled back and the connections are clean.
            assertThat(store.inTeam(TEAM_A, (TeamStore a) -> a.events(10))).isEmpty();
        }
    }

    // --- start-up ------------------------------------------------------------------------------

    @Test
    void anUnreachableServerIsOneLineWithoutThePassword() {
        assertStartupFails(ADMIN_USER_WITH_SECRET + "@127.0.0.1:1/test", "127.0.0.1:1");
    }

    @Test
    void anUnknownDatabaseIsOneLineWithoutThePassword() {
        assertStartupFails(ADMIN_USER_WITH_SECRET + "@" + adminHostAndPort()
                + "/palisade_no_such_db", "palisade_no_such_db");
    }

    @Test
    void anUnknownRoleIsOneLineWithoutThePassword() {
        assertStartupFails("postgres://palisade_no_such_role:" + SECRET + "@" + adminHostAndPort() + "/"
                + adminDatabase(), "palisade_no_such_role");
    }

    @Test
    void aMissingSchemaIsOneLineAndReleasesThePool() {
        String missing = "palisade_t_" + UUID.randomUUID().toString().substring(0, 8);
        // Should the start wrongly succeed, Flyway will have created the schema: drop it whatever happens.
        toClose.push(() -> {
            try (Connection admin = PostgresTestDatabase.admin()) {
                update(admin, "DROP SCHEMA IF EXISTS " + missing + " CASCADE");
            }
        });
        String application = missing + "_app";
        assertStartupFails(ADMIN_USER_WITH_SECRET + "@" + adminHostAndPort() + "/" + adminDatabase()
                + "?currentSchema=" + missing + "&ApplicationName=" + application, "currentSchema");
        Awaitility.await("the failed start's connections are closed").atMost(Duration.ofSeconds(10))
                .until(() -> sessions("application_name = ?", application) == 0);
    }

    @Test
    void twoStoresStartingOnOneEmptySchemaMigrateItOnce() throws Exception {
        PostgresTestDatabase.Schema schema = schemaWithOwnRole();
        CountDownLatch start = new CountDownLatch(1);
        Callable<Store> opening = () -> {
            assertThat(start.await(10, TimeUnit.SECONDS)).isTrue();
            return open(schema.config());
        };
        Future<Store> first = threads.submit(opening);
        Future<Store> second = threads.submit(opening);
        start.countDown();
        Store one = first.get(60, TimeUnit.SECONDS);
        Store other = second.get(60, TimeUnit.SECONDS);

        try (Connection admin = PostgresTestDatabase.admin()) {
            assertThat(strings(admin, "SELECT version || ':' || success FROM " + schema.name()
                    + ".flyway_schema_history WHERE version IS NOT NULL")).containsExactly("1:true");
        }
        Event event = one.inTeam(TEAM_A, (TeamStore a) -> newEvent(a, "both@example.com", T0));
        assertThat(other.inTeam(TEAM_A, (TeamStore a) -> a.event(event.id()))).contains(event);
    }

    @Test
    void warnsWhenTheRoleIsNotHeldByRowLevelSecurity() {
        Logger logger = (Logger) LoggerFactory.getLogger(PostgresStores.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            open(schemaWithOwnRole().config());
            assertThat(warnings(appender)).as("an ordinary role").isEmpty();

            PostgresTestDatabase.Schema superuserSchema = PostgresTestDatabase.newSchema();
            toClose.push(superuserSchema);
            open(superuserSchema.config());
            assertThat(warnings(appender)).singleElement().asString()
                    .contains("row-level security").contains(PostgresTestDatabase.adminUser());
        } finally {
            logger.detachAppender(appender);
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private PostgresTestDatabase.Schema schemaWithOwnRole() {
        PostgresTestDatabase.Schema schema = PostgresTestDatabase.newSchemaWithOwnRole();
        toClose.push(schema);
        return schema;
    }

    /** Opens a store closed after the test, before its schema is dropped. */
    private Store open(PostgresStoreConfig config) {
        Store store = PostgresStores.open(config);
        synchronized (toClose) {
            toClose.push(store);
        }
        return store;
    }

    private static PostgresStoreConfig withPool(PostgresStoreConfig config, int poolSize, Duration lockTimeout) {
        return new PostgresStoreConfig(config.jdbcUrl(), config.user(), config.password(), poolSize, lockTimeout);
    }

    private static Object oneOfEverything(TeamStore s, String tag) {
        s.rooms();
        Event event = heldEvent(s, tag + "@example.com", DATE, "loft", EventStatus.OPTION, T0);
        Conversation conversation = s.createConversation(event.clientId(), event.id(), T0);
        s.addMessage(conversation.id(), Direction.INBOUND, "hello from " + tag, T0);
        s.insertOffer(new Offer(Ids.newId(), event.id(), "loft", 1_000L, "EUR", OfferStatus.SENT, null, T0));
        s.insertDeposit(new Deposit(Ids.newId(), event.id(), 300L, "EUR", DepositStatus.REQUESTED, T0, null));
        s.insertTask(new HilTask(Ids.newId(), event.id(), conversation.id(), TaskKind.OFFER, TaskStatus.OPEN, "draft",
                T0, null, null));
        s.createSnapshot(event.id(), SnapshotType.OFFER, "{}", T0);
        s.enqueueEmail(tag + "@example.com", "subject", "body", T0);
        s.insertUpload(new Upload(Ids.newId(), "stored.pdf", "plan.pdf", "application/pdf", 10L, "cd".repeat(32), T0));
        s.setHilEmail(tag + "@venue.example");
        return null;
    }

    private static void assertRefusedByPolicy(Store store, Team team, String sql) {
        assertThatThrownBy(() -> store.inTeam(team, (TeamStore s) -> update(((JdbcTeamStore) s).connection(), sql)))
                .as(sql).hasRootCauseInstanceOf(SQLException.class)
                .rootCause().hasMessageContaining("violates row-level security policy");
    }

    private static void assertStartupFails(String databaseUrl, String named) {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl(databaseUrl);
        assertThatThrownBy(() -> PostgresStores.open(config).close())
                .isInstanceOf(StoreStartupException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(named).doesNotContain(SECRET)
                        .doesNotContain("\n").doesNotContain("\r"));
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** Waits at most 10 s; usable inside team work, which throws no checked exceptions. */
    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("waited at most 10 s").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    private static List<String> teamsInTableAsAdmin(PostgresTestDatabase.Schema schema, String table)
            throws SQLException {
        try (Connection admin = PostgresTestDatabase.admin()) {
            return strings(admin, "SELECT DISTINCT team FROM " + schema.name() + "." + table + " ORDER BY team");
        }
    }

    /** Sessions of the schema's role left inside a transaction (a connection returned to the pool mid-transaction). */
    private static long sessionsIdleInTransaction(PostgresTestDatabase.Schema schema) throws SQLException {
        return sessions("usename = ? AND state LIKE 'idle in transaction%'", roleOf(schema));
    }

    private static long sessions(String condition, String value) throws SQLException {
        try (Connection admin = PostgresTestDatabase.admin();
                PreparedStatement statement = admin.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE " + condition)) {
            statement.setString(1, value);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static String roleOf(PostgresTestDatabase.Schema schema) {
        String url = schema.jdbcUrl();
        return url.substring(url.lastIndexOf("user=") + "user=".length());
    }

    private static List<String> strings(Connection connection, String sql) {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(Connection connection, String sql) {
        return Long.parseLong(strings(connection, sql).get(0));
    }

    private static int update(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PostgresStoreConfig admin() {
        return PostgresStoreConfig.fromDatabaseUrl(PostgresTestDatabase.ADMIN_URL);
    }

    private static String adminHostAndPort() {
        String described = admin().describe();
        return described.substring("postgres://".length(), described.lastIndexOf('/'));
    }

    private static String adminDatabase() {
        String described = admin().describe();
        return described.substring(described.lastIndexOf('/') + 1);
    }
}
