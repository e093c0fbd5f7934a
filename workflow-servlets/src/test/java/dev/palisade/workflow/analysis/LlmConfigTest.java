package dev.palisade.workflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LlmConfigTest {

    private static Optional<LlmConfig> from(Map<String, String> env) {
        return LlmConfig.fromEnvironment(env::get);
    }

    @Test
    void isAbsentWithoutLlmUrl() {
        assertThat(from(Map.of())).isEmpty();
        assertThat(from(Map.of("LLM_URL", "  ", "LLM_API_KEY", "k"))).isEmpty();
    }

    @Test
    void takesDefaultsForWhatIsNotSet() {
        LlmConfig c = from(Map.of("LLM_URL", "http://llm.internal:8000/v1/chat/completions")).orElseThrow();

        assertThat(c.url()).isEqualTo(URI.create("http://llm.internal:8000/v1/chat/completions"));
        assertThat(c.apiKey()).isNull();
        assertThat(c.model()).isEqualTo("gpt-4o-mini");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.cacheMaxSize()).isEqualTo(500);
        assertThat(c.maxInputLength()).isEqualTo(4000);
        assertThat(c.breakerThreshold()).isEqualTo(5);
        assertThat(c.breakerCooldown()).isEqualTo(Duration.ofSeconds(30));
        // 3 x 5 s plus backoffs of 100 and 200 ms
        assertThat(c.maxTotalTime()).isEqualTo(Duration.ofMillis(15_300));
    }

    @Test
    void readsEveryVariable() {
        LlmConfig c = from(Map.of("LLM_URL", "https://api.example.com/v1/chat/completions", "LLM_API_KEY", "sk-abc",
                "LLM_MODEL", "llama3", "LLM_CACHE_MAX_SIZE", "20")).orElseThrow();

        assertThat(c.apiKey()).isEqualTo("sk-abc");
        assertThat(c.model()).isEqualTo("llama3");
        assertThat(c.cacheMaxSize()).isEqualTo(20);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "LLM_CACHE_MAX_SIZE, lots",
        "LLM_CACHE_MAX_SIZE, -1",
        "LLM_CACHE_MAX_SIZE, 1.5",
        "LLM_CACHE_MAX_SIZE, 99999999999",
        "LLM_URL, ftp://llm.internal/v1",
        "LLM_URL, llm.internal/v1/chat/completions",
        "LLM_URL, http://user:secret@llm.internal/v1",
        "LLM_URL, http://",
        "LLM_URL, 'http://bad host/'",
        "LLM_API_KEY, 'has space'"})
    void rejectsABadValueNamingTheVariable(String name, String value) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("LLM_URL", "http://llm.internal/v1/chat/completions"));
        env.put(name, value);

        assertThatThrownBy(() -> from(env))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).matches("(Invalid value for )?" + name + "[ :].*"))
                .hasMessageNotContaining("secret");
    }

    @Test
    void namesTheCacheSizeAsWrittenAndTheRangeIncludingNone() {
        assertThatThrownBy(() -> from(Map.of("LLM_CACHE_MAX_SIZE", "2000000")))
                .hasMessage("Invalid value for LLM_CACHE_MAX_SIZE: \"2000000\" (expected a whole number from 0 to 1000000)");
        assertThat(LlmConfig.fromEnvironment(Map.of("LLM_URL", "http://llm.internal/v1/chat/completions",
                "LLM_CACHE_MAX_SIZE", "0")::get).orElseThrow().cacheMaxSize()).isZero();
    }

    @Test
    void refusesACacheSizeWithASign() {
        assertThatThrownBy(() -> from(Map.of("LLM_CACHE_MAX_SIZE", "+100")))
                .hasMessage("Invalid value for LLM_CACHE_MAX_SIZE: \"+100\" (expected a whole number from 0 to 1000000)");
    }

    @Test
    void checksTheCacheSizeEvenWithoutLlmUrl() {
        assertThatThrownBy(() -> from(Map.of("LLM_CACHE_MAX_SIZE", "-5")))
                .hasMessageContaining("LLM_CACHE_MAX_SIZE");
    }

    @Test
    void neverPrintsTheKey() {
        LlmConfig c = LlmConfig.of(URI.create("https://api.example.com/v1/chat/completions"), "sk-very-secret");
        assertThat(c.toString()).doesNotContain("sk-very-secret").contains("apiKey=***");
    }

    @Test
    void rejectsOutOfRangeSettingsAtConstruction() {
        LlmConfig c = LlmConfig.of(URI.create("http://h/v1"), null);
        assertThatThrownBy(() -> c.withRetries(0, Duration.ZERO)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> c.withRetries(3, Duration.ofMillis(-1))).hasMessageContaining("backoff");
        assertThatThrownBy(() -> c.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> c.withTimeouts(Duration.ofSeconds(1), Duration.ofHours(1)))
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> c.withCacheMaxSize(-1)).hasMessageContaining("cacheMaxSize");
        assertThatThrownBy(() -> c.withMaxInputLength(0)).hasMessageContaining("maxInputLength");
        assertThatThrownBy(() -> c.withBreaker(0, Duration.ofSeconds(1))).hasMessageContaining("breakerThreshold");
        assertThatThrownBy(() -> c.withBreaker(1, Duration.ofDays(1))).hasMessageContaining("breakerCooldown");
    }
}
