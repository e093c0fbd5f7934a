package dev.palisade.workflow.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code DATABASE_URL} parsing: every accepted form, and no message or rendering that repeats the password. */
class PostgresStoreConfigTest {
    private static final String SECRET = "s3cret-pw";

    @Test
    void takesAJdbcUrlAsTheDriverDoes() {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl(
                " jdbc:postgresql://db.example:6543/palisade?sslmode=require&user=app&password=" + SECRET + "\n");

        assertThat(config.jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example:6543/palisade?sslmode=require&user=app&password=" + SECRET);
        assertThat(config.user()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.poolSize()).isEqualTo(PostgresStoreConfig.DEFAULT_POOL_SIZE);
        assertThat(config.lockTimeout()).isEqualTo(PostgresStoreConfig.DEFAULT_LOCK_TIMEOUT);
        assertThat(config.describe()).isEqualTo("postgres://db.example:6543/palisade");
        assertThat(config.toString()).doesNotContain(SECRET).contains("postgres://db.example:6543/palisade");
    }

    @Test
    void takesAPostgresUrlWithCredentialsBeforeTheHost() {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl(
                "postgres://app:" + SECRET + "@db.example:6543/palisade?sslmode=require&connectTimeout=3");

        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/palisade?sslmode=require&connectTimeout=3");
        assertThat(config.user()).contains("app");
        assertThat(config.password()).contains(SECRET);
        assertThat(config.describe()).isEqualTo("postgres://db.example:6543/palisade");
        assertThat(config.toString()).doesNotContain(SECRET).contains("user=app");
    }

    @Test
    void takesAPostgresqlUrlWithAUserOnlyAndNoPort() {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl("postgresql://app@db.example/palisade");

        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example/palisade");
        assertThat(config.user()).contains("app");
        assertThat(config.password()).isEmpty();
        assertThat(config.describe()).isEqualTo("postgres://db.example/palisade");
    }

    @Test
    void takesAUrlWithoutCredentialsAndAnIpv6Host() {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl("postgres://[::1]:5432/palisade");

        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/palisade");
        assertThat(config.user()).isEmpty();
        assertThat(config.password()).isEmpty();
        assertThat(config.describe()).isEqualTo("postgres://[::1]:5432/palisade");
    }

    @Test
    void percentDecodesUserAndPasswordButKeepsALiteralPlus() {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl(
                "postgres://ops%40venue:p%40ss+w%2Frd%3Ax:y@db.example/palisade");

        assertThat(config.user()).contains("ops@venue");
        assertThat(config.password()).contains("p@ss+w/rd:x:y");
        assertThat(config.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
        assertThat(config.describe()).doesNotContain("p@ss").doesNotContain("ops");
    }

    @Test
    void anEmptyPasswordIsAPassword() {
        PostgresStoreConfig config = PostgresStoreConfig.fromDatabaseUrl("postgres://app:@db.example/palisade");
        assertThat(config.user()).contains("app");
        assertThat(config.password()).contains("");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgres://app:" + SECRET + "@/palisade",
        "postgres://app:" + SECRET + "@:5432/palisade",
        "postgres://app:" + SECRET + "@db.example:port/palisade",
        "postgres://app:" + SECRET + "@db.example",
        "postgres://app:" + SECRET + "@db.example/",
        "postgres://app:" + SECRET + "@db.example/palisade/extra",
        "jdbc:postgresql://db.example?user=app&password=" + SECRET,
        "jdbc:postgresql:///palisade?password=" + SECRET,
        "mysql://app:" + SECRET + "@db.example/palisade",
        "jdbc:mysql://db.example/palisade?password=" + SECRET,
        "JDBC:postgresql://db.example/palisade?password=" + SECRET,
        SECRET,
        "postgres://app:" + SECRET + " with spaces@db.example/palisade",
        "postgres://app:" + SECRET + "%zz@db.example/palisade",
        "postgres://app:" + SECRET + "#frag@db.example/palisade",
        "postgres://app:" + SECRET + "@db.example:5432/pali{sade}",
        // The driver takes no credentials before the host: it would read them as the host name and put the
        // password in the "unknown host" error.
        "jdbc:postgresql://app:" + SECRET + "@db.example:5432/palisade",
        "",
        "   ",
    })
    void refusesWhatIsNotAPostgresUrlWithoutRepeatingIt(String url) {
        assertThatThrownBy(() -> PostgresStoreConfig.fromDatabaseUrl(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain(SECRET).doesNotContain("app:"));
    }

    @Test
    void namesWhatIsMissing() {
        assertThatThrownBy(() -> PostgresStoreConfig.fromDatabaseUrl("postgres://app:" + SECRET + "@/palisade"))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> PostgresStoreConfig.fromDatabaseUrl("postgres://app:" + SECRET + "@db.example"))
                .hasMessageContaining("database");
        assertThatThrownBy(() -> PostgresStoreConfig.fromDatabaseUrl("mysql://db.example/palisade"))
                .hasMessageContaining("postgres://");
        assertThatThrownBy(() -> PostgresStoreConfig.fromDatabaseUrl("jdbc:postgresql://app:" + SECRET
                + "@db.example/palisade")).hasMessageContaining("user=").hasMessageContaining("password=");
    }

    @Test
    void theConstructorChecksTheUrlAndBounds() {
        Optional<String> secret = Optional.of(SECRET);
        PostgresStoreConfig config = new PostgresStoreConfig("jdbc:postgresql://db.example/palisade", Optional.of("app"),
                secret, 2, Duration.ofSeconds(1));
        assertThat(config.toString()).doesNotContain(SECRET);
        assertThat(config.describe()).isEqualTo("postgres://db.example/palisade");

        assertThatThrownBy(() -> new PostgresStoreConfig("jdbc:postgresql://app:" + SECRET + "@db.example/palisade",
                Optional.empty(), Optional.empty(), 8, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> new PostgresStoreConfig("jdbc:postgresql://db.example?password=" + SECRET,
                Optional.empty(), Optional.empty(), 8, Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> new PostgresStoreConfig("postgres://db.example/palisade", Optional.empty(),
                Optional.empty(), 8, Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PostgresStoreConfig("jdbc:postgresql://db.example/palisade", Optional.empty(),
                secret, 1, Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poolSize");
        assertThatThrownBy(() -> new PostgresStoreConfig("jdbc:postgresql://db.example/palisade", Optional.empty(),
                secret, 65, Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PostgresStoreConfig("jdbc:postgresql://db.example/palisade", Optional.empty(),
                secret, 8, Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockTimeout");
        assertThatThrownBy(() -> new PostgresStoreConfig("jdbc:postgresql://db.example/palisade", Optional.empty(),
                secret, 8, Duration.ofMinutes(5).plusMillis(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
