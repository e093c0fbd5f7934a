package dev.palisade.workflow.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The database could not do the work now, though the work itself is fine: it is unreachable, the wait for a
 * connection or for the team's turn to write ran out, a lock or statement timed out, or the database is
 * shutting down. Nothing was written; the same request may succeed when retried shortly (the servlets
 * answer 503 with {@code Retry-After}).
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;
    /** A busy database (a lock, the pool) usually frees up within a second. */
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final Duration retryAfter;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.retryAfter = DEFAULT_RETRY_AFTER;
    }

    public StoreUnavailableException(String message) {
        this(message, DEFAULT_RETRY_AFTER);
    }

    /** @param retryAfter when a retry may succeed, for the answer's {@code Retry-After} */
    public StoreUnavailableException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** When a retry may succeed: one second, or the rest of a database known to be down. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
