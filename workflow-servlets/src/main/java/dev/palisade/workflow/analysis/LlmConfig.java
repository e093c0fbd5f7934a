package dev.palisade.workflow.analysis;

import dev.palisade.workflow.EnvironmentValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings of {@link LlmAnalyzer}, validated at construction.
 *
 * @param url            the chat completions endpoint, http or https, e.g. {@code http://host/v1/chat/completions}
 * @param apiKey         sent as {@code Authorization: Bearer}, or {@code null} for none; never logged nor
 *                       printed by {@link #toString()}
 * @param model          the model name sent with each request
 * @param connectTimeout to open a connection, at most one minute
 * @param requestTimeout one attempt, from sending to the last byte of the answer, at most one minute
 * @param maxAttempts    1..10; a timeout, an I/O error, 429 and 5xx are retried, other 4xx are not
 * @param backoff        the pause before the second attempt, doubled for each further one, at most 10 s
 * @param cacheMaxSize   answers kept, 0..1,000,000 (0 keeps none)
 * @param maxInputLength characters of a message sent to the model, 1..100,000
 * @param breakerThreshold calls in a row that failed on transport, 429 or 5xx after which the model is not
 *                       asked for {@code breakerCooldown}, 1..1,000
 * @param breakerCooldown how long the rules answer alone once the breaker opened, at most one hour
 */
public record LlmConfig(
        URI url,
        String apiKey,
        String model,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Duration backoff,
        int cacheMaxSize,
        int maxInputLength,
        int breakerThreshold,
        Duration breakerCooldown) {

    public static final String DEFAULT_MODEL = "gpt-4o-mini";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
    public static final int DEFAULT_CACHE_MAX_SIZE = 500;
    public static final int DEFAULT_BREAKER_THRESHOLD = 5;
    public static final Duration DEFAULT_BREAKER_COOLDOWN = Duration.ofSeconds(30);

    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    public LlmConfig {
        if (url == null) {
            throw new IllegalArgumentException("url is required");
        }
        checkUrl(url, "url");
        if (apiKey != null && (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7E))) {
            throw new IllegalArgumentException("apiKey must be printable ASCII without spaces");
        }
        if (model == null || model.isBlank() || model.length() > 200) {
            throw new IllegalArgumentException("model must be 1..200 characters");
        }
        checkDuration(connectTimeout, "connectTimeout", MAX_TIMEOUT);
        checkDuration(requestTimeout, "requestTimeout", MAX_TIMEOUT);
        checkDuration(backoff, "backoff", MAX_BACKOFF);
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1..10");
        }
        if (cacheMaxSize < 0 || cacheMaxSize > 1_000_000) {
            throw new IllegalArgumentException("cacheMaxSize must be 0..1000000");
        }
        if (maxInputLength < 1 || maxInputLength > 100_000) {
            throw new IllegalArgumentException("maxInputLength must be 1..100000");
        }
        if (breakerThreshold < 1 || breakerThreshold > 1_000) {
            throw new IllegalArgumentException("breakerThreshold must be 1..1000");
        }
        checkDuration(breakerCooldown, "breakerCooldown", Duration.ofHours(1));
    }

    /** Defaults for everything but the endpoint and key. */
    public static LlmConfig of(URI url, String apiKey) {
        return new LlmConfig(url, apiKey, DEFAULT_MODEL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_CACHE_MAX_SIZE, MessageSanitizer.DEFAULT_MAX_LENGTH,
                DEFAULT_BREAKER_THRESHOLD, DEFAULT_BREAKER_COOLDOWN);
    }

    /**
     * Reads {@code LLM_URL}, {@code LLM_API_KEY}, {@code LLM_MODEL} ({@value #DEFAULT_MODEL}) and
     * {@code LLM_CACHE_MAX_SIZE} ({@value #DEFAULT_CACHE_MAX_SIZE}); timeouts and retries take the defaults.
     * {@code LLM_CACHE_MAX_SIZE} is checked even without {@code LLM_URL}, so a typo fails at start, not on
     * the day the LLM is switched on.
     *
     * @param env the environment, e.g. {@code System::getenv}
     * @return the config, or empty when {@code LLM_URL} is unset or blank (rules only)
     * @throws IllegalArgumentException naming the variable when a value is bad
     */
    public static Optional<LlmConfig> fromEnvironment(Function<String, String> env) {
        int cacheMaxSize = intVariable(env, "LLM_CACHE_MAX_SIZE", DEFAULT_CACHE_MAX_SIZE, 1_000_000);
        String rawUrl = trimmed(env.apply("LLM_URL"));
        if (rawUrl == null) {
            return Optional.empty();
        }
        URI url;
        try {
            url = new URI(rawUrl);
            checkUrl(url, "LLM_URL");
        } catch (URISyntaxException | IllegalArgumentException e) {
            // the value is not repeated: a mistyped URL may carry a secret
            throw new IllegalArgumentException("LLM_URL must be an absolute http(s) URL with a host and no"
                    + " user info, e.g. http://host/v1/chat/completions", e);
        }
        String key = trimmed(env.apply("LLM_API_KEY"));
        if (key != null && key.chars().anyMatch(c -> c < 0x21 || c > 0x7E)) {
            throw new IllegalArgumentException("LLM_API_KEY must be printable ASCII without spaces");
        }
        String model = trimmed(env.apply("LLM_MODEL"));
        if (model != null && model.length() > 200) {
            throw new IllegalArgumentException("LLM_MODEL must be at most 200 characters");
        }
        return Optional.of(new LlmConfig(url, key, model == null ? DEFAULT_MODEL : model, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, cacheMaxSize,
                MessageSanitizer.DEFAULT_MAX_LENGTH, DEFAULT_BREAKER_THRESHOLD, DEFAULT_BREAKER_COOLDOWN));
    }

    /** The longest {@link LlmAnalyzer#analyze} can wait for the model before it falls back to the rules. */
    public Duration maxTotalTime() {
        Duration total = requestTimeout.multipliedBy(maxAttempts);
        for (int attempt = 2; attempt <= maxAttempts; attempt++) {
            total = total.plus(backoffBefore(attempt));
        }
        return total;
    }

    /** The pause before {@code attempt} (2 or more): {@code backoff}, doubled each time. */
    Duration backoffBefore(int attempt) {
        return backoff.multipliedBy(1L << Math.min(attempt - 2, 10));
    }

    /** A copy with other connect and per-attempt timeouts. */
    public LlmConfig withTimeouts(Duration connect, Duration request) {
        return new LlmConfig(url, apiKey, model, connect, request, maxAttempts, backoff, cacheMaxSize, maxInputLength,
                breakerThreshold, breakerCooldown);
    }

    /** A copy with other attempts and first backoff. */
    public LlmConfig withRetries(int attempts, Duration pause) {
        return new LlmConfig(url, apiKey, model, connectTimeout, requestTimeout, attempts, pause, cacheMaxSize,
                maxInputLength, breakerThreshold, breakerCooldown);
    }

    /** A copy with another cache size. */
    public LlmConfig withCacheMaxSize(int size) {
        return new LlmConfig(url, apiKey, model, connectTimeout, requestTimeout, maxAttempts, backoff, size,
                maxInputLength, breakerThreshold, breakerCooldown);
    }

    /** A copy with another cap on the message sent. */
    public LlmConfig withMaxInputLength(int length) {
        return new LlmConfig(url, apiKey, model, connectTimeout, requestTimeout, maxAttempts, backoff, cacheMaxSize,
                length, breakerThreshold, breakerCooldown);
    }

    /** A copy with another breaker threshold and cool-down. */
    public LlmConfig withBreaker(int threshold, Duration cooldown) {
        return new LlmConfig(url, apiKey, model, connectTimeout, requestTimeout, maxAttempts, backoff, cacheMaxSize,
                maxInputLength, threshold, cooldown);
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "LlmConfig[url=" + url + ", apiKey=" + (apiKey == null ? "none" : "***") + ", model=" + model
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", cacheMaxSize=" + cacheMaxSize
                + ", maxInputLength=" + maxInputLength + ", breakerThreshold=" + breakerThreshold
                + ", breakerCooldown=" + breakerCooldown + "]";
    }

    private static void checkUrl(URI url, String name) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || url.isOpaque() || !("http".equals(scheme) || "https".equals(scheme))
                || url.getHost() == null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException(name + " must be an absolute http(s) URL with a host and no user info");
        }
    }

    private static void checkDuration(Duration d, String name, Duration max) {
        if (d == null || d.isNegative() || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be 0.." + max);
        }
        if (!"backoff".equals(name) && !"breakerCooldown".equals(name) && d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    private static int intVariable(Function<String, String> env, String name, int defaultValue, int max) {
        return (int) EnvironmentValues.wholeNumber(env, name, defaultValue, 0, max, "a whole number from 0 to " + max);
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
