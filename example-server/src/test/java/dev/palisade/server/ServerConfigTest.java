package dev.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.Environment;
import dev.palisade.filters.InvalidSettingException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    private static ServerConfig parse(Map<String, String> env) {
        return ServerConfig.fromEnvironment(env::get);
    }

    @Test
    void takesTheContractDefaultsFromAnEmptyEnvironment() {
        ServerConfig config = parse(Map.of());

        assertThat(config.environment().mode()).isEqualTo(Environment.Mode.PROD);
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.adminPort()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.store()).isEqualTo(ServerConfig.StoreKind.SQLITE);
        assertThat(config.rateLimitBackend()).isEqualTo(ServerConfig.RateLimitBackend.MEMORY);
        assertThat(config.uploadLimitBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.strictRateLimit().rps()).isEqualTo(2.0);
        assertThat(config.strictRateLimit().burst()).isEqualTo(10);
        assertThat(config.strictRateLimit().paths()).containsExactlyElementsOf(ServerConfig.STRICT_RATE_LIMIT_PATHS);
        assertThat(config.generalRateLimit().rps()).isEqualTo(50.0);
        assertThat(config.generalRateLimit().burst()).isEqualTo(100);
        assertThat(config.generalRateLimit().paths()).containsExactly("/*");
        assertThat(config.generalRateLimit().allowlist()).contains("/health");
        assertThat(config.chain().sizeLimit().maxBytes()).isEqualTo(1024 * 1024);
        assertThat(config.chain().sizeLimit().limitFor("/api/uploads")).isGreaterThan(10L * 1024 * 1024);
        assertThat(config.chain().apiKeyAuth()).isNotNull();
        assertThat(config.chain().apiKeyAuth().keys().size()).isZero();
        assertThat(config.chain().environmentGate().devOnlyPaths()).contains("/api/emails/test", "/api/debug/*");
        assertThat(config.mounts().describeRiskyPaths()).isEqualTo("none");
        assertThat(config.llm()).isEmpty();
        assertThat(config.email()).isEmpty();
    }

    @Test
    void readsEveryVariableItIsGiven() {
        Map<String, String> env = new HashMap<>();
        env.put("ENV", "dev");
        env.put("PORT", "0");
        env.put("BIND", "0.0.0.0");
        env.put("ADMIN_PORT", "9091");
        env.put("DATA_DIR", "/var/lib/palisade");
        env.put("RATE_LIMIT_BACKEND", "redis");
        env.put("REDIS_URL", "redis://127.0.0.1:6379");
        env.put("UPLOAD_SIZE_LIMIT_MB", "3");
        env.put("RATE_LIMIT_GENERAL_RPS", "7.5");
        env.put("RATE_LIMIT_GENERAL_BURST", "30");
        env.put("RATE_LIMIT_RPS", "1");
        env.put("RATE_LIMIT_BURST", "4");
        env.put("TRUSTED_PROXIES", "10.0.0.0/8");
        env.put("API_KEYS", "s3cret-0123456789abcdef@acme:manager");
        env.put("DEBUG_TRACE_ENABLED", "1");
        env.put("LLM_URL", "http://127.0.0.1:9/v1/chat/completions");
        env.put("EMAIL_URL", "http://127.0.0.1:9/send");

        ServerConfig config = parse(env);

        assertThat(config.environment().isDev()).isTrue();
        assertThat(config.port()).isZero();
        assertThat(config.bind()).isEqualTo("0.0.0.0");
        assertThat(config.adminPort()).contains(9091);
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/palisade"));
        assertThat(config.rateLimitBackend()).isEqualTo(ServerConfig.RateLimitBackend.REDIS);
        assertThat(config.uploadLimitBytes()).isEqualTo(3L * 1024 * 1024);
        assertThat(config.generalRateLimit().rps()).isEqualTo(7.5);
        assertThat(config.generalRateLimit().burst()).isEqualTo(30);
        assertThat(config.strictRateLimit().burst()).isEqualTo(4);
        assertThat(config.generalRateLimit().trustedProxies()).hasSize(1);
        assertThat(config.chain().apiKeyAuth().keys().size()).isEqualTo(1);
        assertThat(config.mounts().testEndpoints()).isTrue();
        assertThat(config.mounts().debugEndpoints()).isTrue();
        assertThat(config.llm()).isPresent();
        assertThat(config.email()).isPresent();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "PORT|eighty",
        "PORT|70000",
        "PORT|-1",
        "ADMIN_PORT|admin",
        "STORE|mysql",
        "DATABASE_URL|mysql://db/palisade",
        "DATABASE_URL|postgresql://db",
        "DATABASE_URL|jdbc:postgresql:palisade",
        "RATE_LIMIT_BACKEND|memcached",
        "REDIS_URL|http://cache:6379",
        "UPLOAD_SIZE_LIMIT_MB|ten",
        "UPLOAD_SIZE_LIMIT_MB|0",
        "SESSION_TTL_MINUTES|0",
        "SESSION_TTL_MINUTES|525601",
        "SESSION_TTL_MINUTES|153722867280912931",
        "SESSION_MAX_ENTRIES|many",
        "LLM_CACHE_MAX_SIZE|big",
        "LLM_URL|not a url",
        "EMAIL_URL|ftp://mail",
        "RATE_LIMIT_GENERAL_RPS|fast",
        "RATE_LIMIT_GENERAL_RPS|0",
        "RATE_LIMIT_GENERAL_BURST|0",
        "RATE_LIMIT_GENERAL_BURST|x",
        "RATE_LIMIT_GENERAL_BURST|2000000000",
        "RATE_LIMIT_GENERAL_RPS|0.000000001",
        "RATE_LIMIT_GENERAL_RPS|+5",
        "RATE_LIMIT_RPS|-1",
        "RATE_LIMIT_BURST|lots",
        "REQUEST_SIZE_LIMIT_KB|1MB",
        "RATE_LIMIT_ALLOWLIST|health",
        "TRUSTED_PROXIES|10.0.0.0/99",
        "API_KEYS|no-team-here",
        "API_KEYS|tok@team:superuser",
        "API_KEYS|a-long-enough-token-0123@team:manger",
        "API_KEYS|a-long-enough-token-0123@team:manager+superuser",
        "ALLOW_TEST_ENDPOINTS|maybe",
        "DEBUG_TRACE_ENABLED|sometimes",
    })
    void refusesABadValueNamingTheVariable(String variable, String value) {
        Map<String, String> env = new HashMap<>();
        env.put(variable, value);
        if (variable.equals("REDIS_URL")) {
            env.put("RATE_LIMIT_BACKEND", "redis");
        }

        assertThatThrownBy(() -> parse(env))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(variable)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "Exception", "\tat "));
    }

    /** A general limit that only fails in combination names the variable and the value as written. */
    @Test
    void aGeneralRateTooSmallForItsBurstNamesTheVariableAsWritten() {
        Map<String, String> env = new HashMap<>();
        env.put("RATE_LIMIT_GENERAL_RPS", "0.000000001");

        assertThatThrownBy(() -> parse(env))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid value for RATE_LIMIT_GENERAL_RPS: \"0.000000001\"")
                .hasMessageContaining("a larger rate for burst 100");
        env.clear();
        env.put("RATE_LIMIT_GENERAL_BURST", "2000000000");
        assertThatThrownBy(() -> parse(env))
                .hasMessageStartingWith("Invalid value for RATE_LIMIT_GENERAL_BURST: \"2000000000\"");
    }

    /** The contract knows two roles: a typo would leave the key refused with 403 on every route. */
    @Test
    void refusesAnUnknownRoleNamingItButNotTheToken() {
        Map<String, String> env = new HashMap<>();
        env.put("API_KEYS", "s3cret-0123456789abcdef@acme:manager,other-secret-0123456789@acme:manger");

        assertThatThrownBy(() -> parse(env))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("API_KEYS").hasMessageContaining("unknown role manger")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret", "other-secret"));
    }

    @Test
    void requiresRedisUrlForTheRedisBackend() {
        assertThatThrownBy(() -> parse(Map.of("RATE_LIMIT_BACKEND", "redis")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("REDIS_URL");
    }

    @Test
    void neverPrintsTheRedisPassword() {
        ServerConfig config = parse(Map.of("RATE_LIMIT_BACKEND", "redis", "REDIS_URL", "redis://:s3cr3t-pw@cache:6379/2"));

        assertThat(config.redisUrl()).hasValueSatisfying(url -> assertThat(url.toString()).contains("s3cr3t-pw"));
        assertThat(config.toString()).contains("redis://***@cache:6379/2").doesNotContain("s3cr3t-pw");
    }

    @Test
    void requiresDatabaseUrlForPostgres() {
        assertThatThrownBy(() -> parse(Map.of("STORE", "postgres")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage("DATABASE_URL must be set when STORE=postgres");
    }

    @Test
    void readsAPostgresUrlWithCredentialsAndNeverRepeatsThePassword() {
        ServerConfig config = parse(Map.of("STORE", "Postgres",
                "DATABASE_URL", "postgresql://booking:pa%40ss@db.internal:6432/palisade?sslmode=require"));

        assertThat(config.store()).isEqualTo(ServerConfig.StoreKind.POSTGRES);
        assertThat(config.database()).hasValueSatisfying(database -> {
            assertThat(database.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/palisade?sslmode=require");
            assertThat(database.user()).contains("booking");
            assertThat(database.password()).contains("pa@ss");
            assertThat(database.describe()).isEqualTo("postgres://db.internal:6432/palisade");
        });
        assertThat(config.toString()).doesNotContain("pa@ss").doesNotContain("pa%40ss");

        assertThatThrownBy(() -> parse(Map.of("DATABASE_URL", "postgresql://booking:pa%40ss@/palisade")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("Invalid value for DATABASE_URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa%40ss", "pa@ss"));
    }

    @Test
    void mountsNothingRiskyInProdWhateverTheFlagsSay() {
        ServerConfig config = parse(Map.of("ENV", "production", "ALLOW_TEST_ENDPOINTS", "1", "DEBUG_TRACE_ENABLED", "1"));

        assertThat(config.mounts().testEndpoints()).isFalse();
        assertThat(config.mounts().debugEndpoints()).isFalse();
    }
}
