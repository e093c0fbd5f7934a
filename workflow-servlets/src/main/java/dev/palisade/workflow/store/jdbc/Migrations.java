package dev.palisade.workflow.store.jdbc;

import dev.palisade.workflow.store.StoreStartupException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a dialect's Flyway migrations at start: validated against what was applied before, never cleaned. */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /**
     * @param database what the operator reads in messages, e.g. {@code database file /data/palisade.db}
     * @throws StoreStartupException with one line naming {@code database}
     */
    static void apply(DataSource dataSource, Dialect dialect, String database) {
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations(dialect.migrationLocation())
                    .validateOnMigrate(true)
                    .cleanDisabled(true)
                    .baselineOnMigrate(false)
                    .failOnMissingLocations(true)
                    // The store's own check names a missing schema; Flyway must not create one behind it.
                    .createSchemas(false)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("{} migrated to version {} ({} migrations)", database, result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw new StoreStartupException("Schema migration of " + database + " failed: " + rootMessage(e), e);
        }
    }

    /** The innermost cause's message: what went wrong, without the layers that wrapped it. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
