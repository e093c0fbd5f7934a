package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.TEAM_A;
import static dev.palisade.workflow.store.jdbc.StoreTestSupport.newEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.palisade.workflow.domain.Event;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreStartupException;
import dev.palisade.workflow.store.TeamStore;
import dev.palisade.workflow.testing.MutableClock;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStartupTest {
    @TempDir
    Path workDir;

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void createsAMissingDataDirectoryWithTheDatabaseAndLockFile() throws Exception {
        Path dataDir = workDir.resolve("var/lib/palisade");
        try (Store store = SqliteStores.open(dataDir, clock)) {
            assertThat(store.describe()).isEqualTo("sqlite:" + dataDir.toRealPath().resolve("palisade.db"));
        }
        assertThat(dataDir.resolve("palisade.db")).isRegularFile();
        assertThat(dataDir.resolve("palisade.lock")).isRegularFile();
    }

    @Test
    void everyPooledConnectionIsDurableWalWithForeignKeys() {
        try (Store store = SqliteStores.open(workDir, clock)) {
            List<String> pragmas = ((JdbcStore) store).read(connection -> List.of(
                    pragma(connection, "journal_mode"), pragma(connection, "synchronous"),
                    pragma(connection, "foreign_keys"), pragma(connection, "busy_timeout")));
            // synchronous 2 = FULL: a commit is fsynced before it returns.
            assertThat(pragmas).containsExactly("wal", "2", "1", "10000");
        }
    }

    @Test
    void reopeningKeepsTheDataAndDoesNotRerunMigrations() throws Exception {
        Event event;
        try (Store store = SqliteStores.open(workDir, clock)) {
            event = store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "keep@example.com", T0));
        }
        try (Store store = SqliteStores.open(workDir, clock)) {
            assertThat(store.inTeam(TEAM_A, (TeamStore s) -> s.event(event.id()))).contains(event);
        }
        assertThat(query(workDir.resolve("palisade.db"),
                "SELECT version || ':' || success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1:1");
    }

    @Test
    void refusesToStartWhenAnAppliedMigrationWasChanged() throws Exception {
        try (Store store = SqliteStores.open(workDir, clock)) {
            store.inTeam(TEAM_A, (TeamStore s) -> newEvent(s, "keep@example.com", T0));
        }
        Path db = workDir.resolve("palisade.db");
        execute(db, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");

        assertThatThrownBy(() -> SqliteStores.open(workDir, clock))
                .isInstanceOf(StoreStartupException.class)
                .hasMessageStartingWith("Schema migration of database file " + db.toRealPath() + " failed");
        assertThat(query(db, "SELECT COUNT(*) FROM events")).containsExactly("1");
    }

    @Test
    void refusesAFileThatIsNotADatabaseAndLeavesItUntouched() throws Exception {
        Path db = workDir.resolve("palisade.db");
        byte[] garbage = new byte[16 * 1024];
        new Random(42).nextBytes(garbage);
        Files.write(db, garbage);

        for (int attempt = 0; attempt < 2; attempt++) {
            // Twice: a failed start-up releases the lock, so the second attempt fails for the same reason.
            assertThatThrownBy(() -> SqliteStores.open(workDir, clock))
                    .isInstanceOf(StoreStartupException.class)
                    .hasMessageStartingWith("Database file " + db.toRealPath() + " is not a valid SQLite database")
                    .hasMessageContaining("will not reset it");
        }
        assertThat(Files.readAllBytes(db)).isEqualTo(garbage);
    }

    @Test
    void refusesATruncatedDatabaseAndLeavesItUntouched() throws Exception {
        try (Store store = SqliteStores.open(workDir, clock)) {
            store.inTeam(TEAM_A, (TeamStore s) -> {
                for (int i = 0; i < 300; i++) {
                    s.enqueueEmail("c" + i + "@example.com", "subject " + i, "body ".repeat(100), T0);
                }
                return null;
            });
        }
        Path db = workDir.resolve("palisade.db");
        try (FileChannel channel = FileChannel.open(db, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        byte[] truncated = Files.readAllBytes(db);

        assertThatThrownBy(() -> SqliteStores.open(workDir, clock))
                .isInstanceOf(StoreStartupException.class)
                .hasMessageStartingWith("Database file " + db.toRealPath())
                .hasMessageMatching(".*(failed its integrity check|is corrupt).*")
                .hasMessageContaining("will not reset it");
        assertThat(Files.readAllBytes(db)).isEqualTo(truncated);
    }

    @Test
    void refusesADataDirectoryThatIsAFile() throws Exception {
        Path notADirectory = Files.writeString(workDir.resolve("data"), "x", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SqliteStores.open(notADirectory, clock))
                .isInstanceOf(StoreStartupException.class)
                .hasMessage("Data directory " + notADirectory + " is not a directory");
    }

    @Test
    void refusesADataDirectoryThatCannotBeCreated() throws Exception {
        Path file = Files.writeString(workDir.resolve("file"), "x", StandardCharsets.UTF_8);
        Path below = file.resolve("data");
        assertThatThrownBy(() -> SqliteStores.open(below, clock))
                .isInstanceOf(StoreStartupException.class)
                .hasMessageStartingWith("Cannot create data directory " + below);
    }

    @Test
    void refusesAnUnwritableDataDirectory() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path dataDir = Files.createDirectory(workDir.resolve("readonly"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(() -> SqliteStores.open(dataDir, clock))
                    .isInstanceOf(StoreStartupException.class)
                    .hasMessageContaining("Data directory " + dataDir + " is not readable and writable");
        } finally {
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void refusesASecondStoreInThisJvmAndAdmitsOneAfterClose() {
        Store first = SqliteStores.open(workDir, clock);
        try {
            assertThatThrownBy(() -> SqliteStores.open(workDir.resolve(".").resolve("sub/.."), clock))
                    .isInstanceOf(StoreStartupException.class)
                    .hasMessageContaining("is in use by another store of this Palisade process (pid "
                            + ProcessHandle.current().pid() + ")");
        } finally {
            first.close();
        }
        SqliteStores.open(workDir, clock).close();
    }

    @Test
    void treatsALockHeldByOtherCodeOfThisJvmAsInUse() throws Exception {
        Path lockFile = workDir.resolve("palisade.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            assertThat(lock.isValid()).isTrue();
            assertThatThrownBy(() -> SqliteStores.open(workDir, clock))
                    .isInstanceOf(StoreStartupException.class)
                    .hasMessageContaining("is in use by this Palisade process");
        }
        SqliteStores.open(workDir, clock).close();
    }

    @Test
    void aStaleLockFileDoesNotBlock() throws Exception {
        Files.writeString(workDir.resolve("palisade.lock"), "pid=999999 since=2020-01-01T00:00:00Z\n",
                StandardCharsets.UTF_8);
        try (Store store = SqliteStores.open(workDir, clock)) {
            assertThat(Files.readString(workDir.resolve("palisade.lock"), StandardCharsets.UTF_8))
                    .isEqualTo("pid=" + ProcessHandle.current().pid() + " since=" + T0 + "\n");
        }
    }

    private static String pragma(Connection connection, String name) {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> query(Path db, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private static void execute(Path db, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
