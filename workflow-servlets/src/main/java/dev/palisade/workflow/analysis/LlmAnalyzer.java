package dev.palisade.workflow.analysis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analyses a message with an OpenAI-compatible chat completions API ({@code POST} to {@link LlmConfig#url()})
 * and falls back to the rules on any failure, so {@link #analyze} never throws for a bad message or an
 * unavailable service.
 *
 * <ul>
 *   <li>The message is {@linkplain MessageSanitizer sanitised} (length cap, control characters) and sent
 *       alone as the user message; the instructions are fixed ({@link LlmPrompt}).</li>
 *   <li>Each attempt is bounded by {@link LlmConfig#requestTimeout()}; a timeout, an I/O error, 429 and 5xx
 *       are retried up to {@link LlmConfig#maxAttempts()} with a doubling backoff, so one call waits at most
 *       {@link LlmConfig#maxTotalTime()}. Other statuses, redirects included, are not retried, nor is an
 *       answer that fails validation ({@link LlmAnswer}): the model would likely say the same again.</li>
 *   <li>Answers are cached (Caffeine, at most {@link LlmConfig#cacheMaxSize()}) under the SHA-256 of the
 *       sanitised message and today's date, never the text. A fallback is not cached, so the model is asked
 *       again next time.</li>
 *   <li>Each fallback is logged once at WARN with its {@link FallbackReason} and counted; neither the message
 *       nor the key is ever logged.</li>
 * </ul>
 *
 * <p>The call is synchronous on the caller's thread. So that an outage does not cost every message
 * {@link LlmConfig#maxTotalTime()}, a breaker opens after {@link LlmConfig#breakerThreshold()} calls in a row
 * failed for a {@linkplain FallbackReason#retryable() retryable} reason: for
 * {@link LlmConfig#breakerCooldown()} the rules answer at once ({@link FallbackReason#CIRCUIT_OPEN}, logged
 * once when it opens). The first call after the cool-down asks the model again; a success closes the breaker,
 * another failure opens it for a further cool-down.
 */
public final class LlmAnalyzer implements MessageAnalyzer {

    private static final Logger LOG = LoggerFactory.getLogger(LlmAnalyzer.class);

    private final LlmConfig config;
    private final RuleBasedAnalyzer rules;
    private final HttpClient http;
    private final Cache<String, Analysis> cache;
    private final LongAdder fallbacks = new LongAdder();
    private final Map<FallbackReason, LongAdder> fallbacksByReason = new EnumMap<>(FallbackReason.class);
    private final Clock clock;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private volatile Instant breakerOpenUntil = Instant.MIN;

    /**
     * @param config the endpoint, key, model, timeouts, retries and cache size
     * @param rules  answers when the model cannot, from the sanitised message (and its own length cap)
     */
    public LlmAnalyzer(LlmConfig config, RuleBasedAnalyzer rules) {
        this(config, rules, Clock.systemUTC());
    }

    /** @param clock times the breaker's cool-down */
    public LlmAnalyzer(LlmConfig config, RuleBasedAnalyzer rules, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.cacheMaxSize())
                .executor(Runnable::run)
                .recordStats()
                .build();
        for (FallbackReason r : FallbackReason.values()) {
            fallbacksByReason.put(r, new LongAdder());
        }
        warnIfKeyTravelsInClear(config);
    }

    @Override
    public Analysis analyze(String message, LocalDate today) {
        Objects.requireNonNull(today, "today");
        String clean = MessageSanitizer.sanitize(message, config.maxInputLength());
        if (clean.isEmpty()) {
            return rules.analyze(clean, today); // nothing to ask the model about
        }
        try {
            String key = cacheKey(clean, today);
            Analysis cached = cache.getIfPresent(key);
            if (cached != null) {
                return cached;
            }
            if (clock.instant().isBefore(breakerOpenUntil)) {
                countFallback(FallbackReason.CIRCUIT_OPEN);
                LOG.debug("LLM breaker open; answering from the rules");
                return rules.analyze(clean, today);
            }
            Analysis answer = ask(clean, today);
            if (answer != null) {
                cache.put(key, answer);
                return answer;
            }
        } catch (RuntimeException e) {
            fallBack(FallbackReason.UNEXPECTED, 0, e);
        }
        return rules.analyze(clean, today);
    }

    /** Answers currently cached (after pending evictions ran). */
    public long cacheSize() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Answers evicted from the cache since start, for metrics. */
    public long cacheEvictions() {
        return cache.stats().evictionCount();
    }

    /** Messages answered by the rules because the model failed, since start. */
    public long fallbackCount() {
        return fallbacks.sum();
    }

    /** {@link #fallbackCount()} for one reason. */
    public long fallbackCount(FallbackReason reason) {
        return fallbacksByReason.get(reason).sum();
    }

    /** @return the validated answer, or {@code null} after logging and counting why there is none */
    private Analysis ask(String clean, LocalDate today) {
        HttpRequest request = request(LlmPrompt.requestBody(config.model(), clean, today));
        long started = System.nanoTime();
        int attempt = 1;
        while (true) {
            Attempt result = send(request);
            if (result.body() != null) {
                failuresInARow.set(0); // the service answers, even if the answer turns out unusable
                try {
                    return LlmAnswer.parse(result.body(), today);
                } catch (LlmAnswer.Rejected rejected) {
                    // not retried: a model that answered badly once will likely do it again
                    fallBack(rejected.reason(), attempt, started, rejected.getMessage(), null);
                    return null;
                }
            }
            if (!result.reason().retryable() || attempt >= config.maxAttempts()) {
                fallBack(result.reason(), attempt, started, result.detail(), result.error());
                return null;
            }
            LOG.debug("LLM attempt {} failed ({}), retrying", attempt, result.reason());
            attempt++;
            if (!pause(config.backoffBefore(attempt))) {
                fallBack(FallbackReason.INTERRUPTED, attempt - 1, started, "interrupted during backoff", null);
                return null;
            }
        }
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(config.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.apiKey() != null) {
            b.header("Authorization", "Bearer " + config.apiKey());
        }
        return b.build();
    }

    /** What one HTTP exchange gave: a 2xx body, or a reason with the error behind it, if any. */
    private record Attempt(byte[] body, FallbackReason reason, String detail, Throwable error) {
        static Attempt failed(FallbackReason reason, String detail, Throwable error) {
            return new Attempt(null, reason, detail, error);
        }
    }

    private Attempt send(HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request,
                info -> new BoundedBodySubscriber(LlmAnswer.BODY_LIMIT_BYTES));
        try {
            // the request timeout covers the headers only; this bounds connect, headers and body together
            HttpResponse<byte[]> response = exchange.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt(response.body(), null, null, null);
            }
            if (status == 429) {
                return Attempt.failed(FallbackReason.RATE_LIMITED, "status 429", null);
            }
            if (status >= 500) {
                return Attempt.failed(FallbackReason.SERVER_ERROR, "status " + status, null);
            }
            return Attempt.failed(FallbackReason.CLIENT_ERROR, "status " + status, null);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return Attempt.failed(FallbackReason.TIMEOUT, "no complete answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.cancel(true);
            return Attempt.failed(FallbackReason.INTERRUPTED, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof BoundedBodySubscriber.TooLargeException) {
                return Attempt.failed(FallbackReason.RESPONSE_TOO_LARGE, "body over the limit", cause);
            }
            if (cause instanceof HttpTimeoutException) {
                return Attempt.failed(FallbackReason.TIMEOUT, "request timed out", cause);
            }
            if (cause instanceof IOException) {
                return Attempt.failed(FallbackReason.IO_ERROR, cause.getClass().getSimpleName(), cause);
            }
            return Attempt.failed(FallbackReason.UNEXPECTED, cause.getClass().getSimpleName(), cause);
        }
    }

    /** @return false when interrupted (the flag is restored) */
    private static boolean pause(Duration d) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("LLM retry backoff interrupted", e);
            return false;
        }
    }

    /** Whether the breaker is open now: the model is not asked until the cool-down passed. */
    public boolean breakerOpen() {
        return clock.instant().isBefore(breakerOpenUntil);
    }

    private void countFallback(FallbackReason reason) {
        fallbacks.increment();
        fallbacksByReason.get(reason).increment();
    }

    private void fallBack(FallbackReason reason, int attempts, long startedNanos, String detail, Throwable error) {
        countFallback(reason);
        if (reason.retryable()) {
            int inARow = failuresInARow.incrementAndGet();
            if (inARow >= config.breakerThreshold()) {
                breakerOpenUntil = clock.instant().plus(config.breakerCooldown());
                LOG.warn("LLM failed {} call(s) in a row; the rules answer alone for {}", inARow,
                        config.breakerCooldown());
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (error == null) {
            LOG.warn("LLM analysis failed: {} ({}) after {} attempt(s), {} ms; using the rules",
                    reason, detail, attempts, ms);
        } else {
            LOG.warn("LLM analysis failed: {} ({}) after {} attempt(s), {} ms; using the rules",
                    reason, detail, attempts, ms, error);
        }
    }

    private void fallBack(FallbackReason reason, int attempts, RuntimeException e) {
        fallBack(reason, attempts, System.nanoTime(), "unexpected failure", e);
    }

    /** SHA-256 of the sanitised message, a NUL (which sanitising removed from the message) and the date. */
    static String cacheKey(String sanitized, LocalDate today) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(sanitized.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(today.toString().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void warnIfKeyTravelsInClear(LlmConfig config) {
        if (config.apiKey() == null || !"http".equalsIgnoreCase(config.url().getScheme())) {
            return;
        }
        String host = config.url().getHost();
        if (!"localhost".equalsIgnoreCase(host) && !host.startsWith("127.") && !"[::1]".equals(host)) {
            LOG.warn("LLM_API_KEY is sent over plain http to {}; use https unless this network is trusted", host);
        }
    }
}
