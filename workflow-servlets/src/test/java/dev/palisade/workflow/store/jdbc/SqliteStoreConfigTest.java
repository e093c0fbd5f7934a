package dev.palisade.workflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SqliteStoreConfigTest {
    private static final Path DIR = Path.of("data");

    @Test
    void defaultsToAFourConnectionPoolAndTenSecondBusyTimeout() {
        SqliteStoreConfig config = SqliteStoreConfig.of(DIR, Clock.systemUTC());
        assertThat(config.poolSize()).isEqualTo(4);
        assertThat(config.busyTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsPoolSizesAndTimeoutsOutOfRange() {
        Clock clock = Clock.systemUTC();
        assertThatThrownBy(() -> new SqliteStoreConfig(DIR, clock, 1, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> new SqliteStoreConfig(DIR, clock, 17, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> new SqliteStoreConfig(DIR, clock, 4, Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busyTimeout");
        assertThatThrownBy(() -> new SqliteStoreConfig(DIR, clock, 4, Duration.ofMinutes(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busyTimeout");
        assertThatThrownBy(() -> new SqliteStoreConfig(null, clock, 4, Duration.ofSeconds(5)))
                .isInstanceOf(NullPointerException.class);
    }
}
