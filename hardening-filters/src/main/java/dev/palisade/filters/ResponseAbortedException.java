package dev.palisade.filters;

import java.io.IOException;

/**
 * Thrown by {@link SafeErrorFilter} when a request fails after its response was committed. Both
 * Jetty and Tomcat answer an exception on a committed response by aborting the connection, so the
 * client sees a truncated response instead of a clean end. It has no stack trace and a generic
 * message: the full failure was already logged once, with the request id.
 */
final class ResponseAbortedException extends IOException {
    private static final long serialVersionUID = 1L;

    ResponseAbortedException(String requestId) {
        this(requestId, "failed after its response was committed (stack trace logged by SafeErrorFilter)");
    }

    private ResponseAbortedException(String requestId, String whatHappened) {
        super("Response aborted: request " + requestId + " " + whatHappened);
    }

    /** For a request whose client stalled after its response was committed: no failure of the server's. */
    static ResponseAbortedException clientStalled(String requestId) {
        return new ResponseAbortedException(requestId,
                "was not sent or read in time by its client after its response was committed");
    }

    /** For a request whose client's body broke off or was malformed after its response was committed. */
    static ResponseAbortedException malformedBody(String requestId) {
        return new ResponseAbortedException(requestId,
                "had a malformed or cut-short body after its response was committed");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
