package dev.palisade.workflow.testing;

import dev.palisade.workflow.domain.Snapshot;
import dev.palisade.workflow.domain.Team;
import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.store.TeamWork;
import dev.palisade.workflow.store.jdbc.PostgresStores;
import dev.palisade.workflow.store.jdbc.SqliteStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The databases a store test runs on: the embedded SQLite default and PostgreSQL. A test parameterised
 * over this enum proves one behaviour on both; a PostgreSQL store lives in a schema of its own, dropped when
 * the store is closed.
 */
public enum StoreBackend {
    SQLITE {
        @Override
        public Store open(Path dataDir, Clock clock) {
            return SqliteStores.open(dataDir, clock);
        }
    },
    POSTGRES {
        @Override
        public Store open(Path dataDir, Clock clock) {
            PostgresTestDatabase.Schema schema = PostgresTestDatabase.newSchemaWithOwnRole();
            try {
                return new SchemaDroppingStore(PostgresStores.open(schema.config()), schema);
            } catch (RuntimeException e) {
                schema.close();
                throw e;
            }
        }
    };

    /** A new, empty store; {@code dataDir} is used by SQLite only. */
    public abstract Store open(Path dataDir, Clock clock);

    /** A PostgreSQL store that drops its test schema (and role) once closed. */
    private static final class SchemaDroppingStore implements Store {
        private final Store store;
        private final PostgresTestDatabase.Schema schema;

        SchemaDroppingStore(Store store, PostgresTestDatabase.Schema schema) {
            this.store = store;
            this.schema = schema;
        }

        @Override
        public <T> T inTeam(Team team, TeamWork<T> work) {
            return store.inTeam(team, work);
        }

        @Override
        public Optional<Snapshot> snapshot(String snapshotId, Instant now) {
            return store.snapshot(snapshotId, now);
        }

        @Override
        public List<Team> teamsWithDueEmail(Instant now) {
            return store.teamsWithDueEmail(now);
        }

        @Override
        public int purgeExpiredSnapshots(Instant now) {
            return store.purgeExpiredSnapshots(now);
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            try {
                store.close();
            } finally {
                schema.close();
            }
        }
    }
}
