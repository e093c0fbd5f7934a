package dev.palisade.filters;

import java.io.IOException;

/**
 * Thrown when a filter refuses an async dispatch whose response the application had already
 * committed (written and flushed, then dispatched): the refusal can no longer be sent, and the
 * response must not end as if whole, so the exception makes the container break the connection.
 * {@link SafeErrorFilter} lets it through with a DEBUG line: the refusal was counted by the filter
 * that made it, and a client's request may cause one at will. Stackless.
 */
final class RefusedAfterCommitException extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedAfterCommitException(int status, String requestId) {
        super("Request " + requestId + ": its async dispatch was refused (" + status
                + ") after its response was committed");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
