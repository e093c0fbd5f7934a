package dev.palisade.workflow.email;

import dev.palisade.workflow.EnvironmentValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and how the outbox sender reaches the email service. Validated at construction.
 *
 * <p>From the environment ({@link #fromEnvironment}): {@code EMAIL_URL} (an absolute http or https
 * URL; unset or blank means no email service), and optionally {@code EMAIL_CONNECT_TIMEOUT_MS}
 * (default 2000), {@code EMAIL_REQUEST_TIMEOUT_MS} (default 10000) and {@code EMAIL_POLL_INTERVAL_MS}
 * (default 1000). Without {@code EMAIL_URL} the server starts no sender: emails stay queued in the
 * store's outbox, none is lost, and they all go out once the server runs with {@code EMAIL_URL} set.
 *
 * @param url            the endpoint that receives one {@code POST} per email
 * @param connectTimeout limit for opening a connection
 * @param requestTimeout limit for the service's answer to one email
 * @param pollInterval   pause between two drains of the outbox
 */
public record EmailConfig(URI url, Duration connectTimeout, Duration requestTimeout, Duration pollInterval) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    private static final long MAX_MILLIS = Duration.ofMinutes(10).toMillis();

    public EmailConfig {
        Objects.requireNonNull(url, "url");
        if (!isHttpUrl(url)) {
            throw new IllegalArgumentException("email service URL must be an absolute http or https URL with a host and"
                    + " no user info");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(pollInterval, "pollInterval");
    }

    /** The endpoint with the default timeouts and poll interval. */
    public static EmailConfig of(URI url) {
        return new EmailConfig(url, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_POLL_INTERVAL);
    }

    /**
     * The configuration named by the environment, or empty when {@code EMAIL_URL} is unset or blank
     * (the caller then keeps emails queued and starts no sender).
     *
     * @throws IllegalArgumentException naming the variable when a value is malformed
     */
    public static Optional<EmailConfig> fromEnvironment(Function<String, String> env) {
        String rawUrl = env.apply("EMAIL_URL");
        if (rawUrl == null || rawUrl.isBlank()) {
            return Optional.empty();
        }
        URI url = parseUrl(rawUrl.strip());
        return Optional.of(new EmailConfig(url,
                millis(env, "EMAIL_CONNECT_TIMEOUT_MS", DEFAULT_CONNECT_TIMEOUT),
                millis(env, "EMAIL_REQUEST_TIMEOUT_MS", DEFAULT_REQUEST_TIMEOUT),
                millis(env, "EMAIL_POLL_INTERVAL_MS", DEFAULT_POLL_INTERVAL)));
    }

    private static URI parseUrl(String raw) {
        // The value is not echoed: a URL may carry a token in its query.
        String problem = "EMAIL_URL must be an absolute http:// or https:// URL with a host and no user info";
        try {
            URI url = new URI(raw);
            if (!isHttpUrl(url)) {
                throw new IllegalArgumentException(problem);
            }
            return url;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem, e);
        }
    }

    private static boolean isHttpUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        return url.isAbsolute() && ("http".equals(scheme) || "https".equals(scheme)) && url.getHost() != null
                && url.getRawUserInfo() == null;
    }

    private static Duration millis(Function<String, String> env, String name, Duration fallback) {
        return Duration.ofMillis(EnvironmentValues.wholeNumber(env, name, fallback.toMillis(), 1, MAX_MILLIS,
                "a whole number of milliseconds from 1 to " + MAX_MILLIS));
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
