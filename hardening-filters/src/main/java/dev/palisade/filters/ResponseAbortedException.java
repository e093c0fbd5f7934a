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
        super("Response aborted: request " + requestId
                + " failed after its response was committed (stack trace logged by SafeErrorFilter)");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
