package dev.palisade.workflow.analysis;

/** Why {@link LlmAnalyzer} answered from the rules instead of the model; logged and counted, never the text. */
public enum FallbackReason {
    /** No answer within the request timeout, on every attempt. */
    TIMEOUT(true),
    /** Connection refused or reset, or another I/O error, on every attempt. */
    IO_ERROR(true),
    /** 429 on every attempt. */
    RATE_LIMITED(true),
    /** 5xx on every attempt. */
    SERVER_ERROR(true),
    /** 1xx, 3xx or 4xx other than 429: asking again would not help. */
    CLIENT_ERROR(false),
    /** The response body was larger than the adapter reads. */
    RESPONSE_TOO_LARGE(false),
    /** The body was not a chat completion (not JSON, no choices, no message content). */
    MALFORMED_RESPONSE(false),
    /** The model's content was not the JSON object asked for: wrong fields, types, intent, date or guests. */
    INVALID_ANSWER(false),
    /** The model was not asked: it failed too often in a row and the breaker's cool-down has not passed. */
    CIRCUIT_OPEN(false),
    /** The calling thread was interrupted while waiting. */
    INTERRUPTED(false),
    /** A bug or an unexpected runtime failure in the adapter (logged with its stack trace). */
    UNEXPECTED(false);

    private final boolean retryable;

    FallbackReason(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt may succeed: transport and server trouble, not a bad answer. */
    public boolean retryable() {
        return retryable;
    }
}
