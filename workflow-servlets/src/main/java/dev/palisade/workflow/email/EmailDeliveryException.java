package dev.palisade.workflow.email;

/** The email service did not accept a message; the outbox will retry it. */
public final class EmailDeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether another attempt may succeed (timeouts, 5xx, 429) or not (4xx: the message itself is refused). */
    private final boolean retryable;

    public EmailDeliveryException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean isRetryable() {
        return retryable;
    }
}
