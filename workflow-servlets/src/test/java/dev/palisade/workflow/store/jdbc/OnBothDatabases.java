package dev.palisade.workflow.store.jdbc;

import static dev.palisade.workflow.store.jdbc.StoreTestSupport.T0;

import dev.palisade.workflow.store.Store;
import dev.palisade.workflow.testing.MutableClock;
import dev.palisade.workflow.testing.StoreBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of the store tests that must hold on every database: each test class runs once per
 * {@link StoreBackend}, each test on a fresh, empty store (opened before the subclass's own set-up, closed
 * after the test). Without PostgreSQL its half is skipped with a message, or fails under
 * {@code REQUIRE_SERVICES=1}.
 */
@ParameterizedClass
@EnumSource(StoreBackend.class)
abstract class OnBothDatabases {
    @Parameter
    StoreBackend backend;

    @TempDir
    Path dataDir;

    final MutableClock clock = new MutableClock(T0);
    Store store;

    @BeforeEach
    final void openStore() {
        store = backend.open(dataDir, clock);
    }

    @AfterEach
    final void closeStore() {
        // Null when the backend was skipped in openStore(): the skip must stay a skip.
        if (store != null) {
            store.close();
        }
    }
}
