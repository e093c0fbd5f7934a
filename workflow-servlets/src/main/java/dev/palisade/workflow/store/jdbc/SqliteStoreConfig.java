package dev.palisade.workflow.store.jdbc;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open the embedded SQLite store.
 *
 * @param dataDir     the data directory ({@code DATA_DIR}); created if missing, owned by one process
 * @param clock       time source (recorded in the lock file)
 * @param poolSize    pooled connections: one writer at a time plus concurrent readers of snapshots and the
 *                    outbox; 2 to 16
 * @param busyTimeout how long a statement or a queued writer waits for the database before failing
 */
public record SqliteStoreConfig(Path dataDir, Clock clock, int poolSize, Duration busyTimeout) {

    /** The database file's name inside the data directory. */
    public static final String DATABASE_FILE = "palisade.db";

    public static final int DEFAULT_POOL_SIZE = 4;
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    public SqliteStoreConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        if (poolSize < 2 || poolSize > 16) {
            throw new IllegalArgumentException("poolSize must be between 2 and 16, was " + poolSize);
        }
        if (busyTimeout.compareTo(Duration.ofSeconds(1)) < 0 || busyTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("busyTimeout must be between 1 second and 5 minutes, was " + busyTimeout);
        }
    }

    /** Defaults for everything but the directory and the clock. */
    public static SqliteStoreConfig of(Path dataDir, Clock clock) {
        return new SqliteStoreConfig(dataDir, clock, DEFAULT_POOL_SIZE, DEFAULT_BUSY_TIMEOUT);
    }
}
