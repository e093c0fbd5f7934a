package dev.palisade.workflow.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.StoreStartupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the embedded store: SQLite in {@code DATA_DIR/palisade.db}. In order: the data directory is created
 * if missing and checked; the directory is locked for this process ({@code palisade.lock}); an existing
 * database must pass {@code PRAGMA quick_check}; a small HikariCP pool opens connections in WAL mode with
 * {@code synchronous=FULL} (a commit is fsynced before {@code inTeam} returns), foreign keys on and a busy
 * timeout; Flyway applies the migrations (validated, never cleaned). Any failure releases what was taken
 * and throws {@link StoreStartupException} with one line for the operator.
 */
public final class SqliteStores {
    private static final SqliteDialect DIALECT = new SqliteDialect();
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStores.class);

    private SqliteStores() {
    }

    /** Opens the store in {@code dataDir} with the default pool size and busy timeout. */
    public static Store open(Path dataDir, Clock clock) {
        return open(SqliteStoreConfig.of(dataDir, clock));
    }

    public static Store open(SqliteStoreConfig config) {
        Path directory = usableDirectory(config.dataDir());
        DataDirLock lock = DataDirLock.acquire(directory, config.clock().instant());
        try {
            Path databaseFile = directory.resolve(SqliteStoreConfig.DATABASE_FILE);
            DatabaseFileCheck.verify(databaseFile);
            HikariDataSource pool = pool(databaseFile, config);
            try {
                requireWal(pool, databaseFile);
                Migrations.apply(pool, DIALECT, "database file " + databaseFile);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
            String description = "sqlite:" + databaseFile;
            LOG.info("store {} open", description);
            return new JdbcStore(pool, DIALECT, description, config.busyTimeout(), pool::evictConnection,
                    () -> {
                        try {
                            pool.close();
                        } finally {
                            lock.close();
                        }
                    });
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The data directory as a real path, created if missing, readable and writable. */
    private static Path usableDirectory(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new StoreStartupException("Data directory " + absolute + " is not a directory");
        }
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new StoreStartupException("Cannot create data directory " + absolute + ": " + e, e);
        }
        if (!Files.isDirectory(absolute)) {
            throw new StoreStartupException("Data directory " + absolute + " is not a directory");
        }
        if (!Files.isReadable(absolute) || !Files.isWritable(absolute) || !Files.isExecutable(absolute)) {
            throw new StoreStartupException("Data directory " + absolute
                    + " is not readable and writable by this process; fix its permissions or choose another DATA_DIR");
        }
        try {
            // One key per directory, whichever symlinks or relative paths lead to it.
            return absolute.toRealPath();
        } catch (IOException e) {
            throw new StoreStartupException("Cannot resolve data directory " + absolute + ": " + e, e);
        }
    }

    private static HikariDataSource pool(Path databaseFile, SqliteStoreConfig config) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.enforceForeignKeys(true);
        sqlite.setBusyTimeout(Math.toIntExact(config.busyTimeout().toMillis()));
        SQLiteDataSource sqliteDataSource = new SQLiteDataSource(sqlite);
        sqliteDataSource.setUrl("jdbc:sqlite:" + databaseFile);

        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqliteDataSource);
        hikari.setPoolName("palisade-sqlite");
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(true);
        hikari.setConnectionTimeout(config.busyTimeout().toMillis());
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StoreStartupException("Cannot open database file " + databaseFile + ": "
                    + Migrations.rootMessage(e), e);
        }
    }

    /** WAL is what lets readers run beside the writer; a file system that refuses it must not go unnoticed. */
    private static void requireWal(HikariDataSource pool, Path databaseFile) {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA journal_mode")) {
            String mode = rows.next() ? rows.getString(1) : "unknown";
            if (!"wal".equals(mode.toLowerCase(Locale.ROOT))) {
                throw new StoreStartupException("Database file " + databaseFile
                        + " cannot use write-ahead logging (journal mode is " + mode + ")");
            }
        } catch (SQLException e) {
            throw new StoreStartupException("Cannot read database file " + databaseFile + ": " + e.getMessage(), e);
        }
    }
}
