package dev.palisade.workflow.store;

/**
 * The database could not do the work now, though the work itself is fine: it is unreachable, the wait for a
 * connection or for the team's turn to write ran out, a lock or statement timed out, or the database is
 * shutting down. Nothing was written; the same request may succeed when retried shortly (the servlets
 * answer 503 with {@code Retry-After}).
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
