package dev.palisade.filters;

import java.io.IOException;

/**
 * Thrown by the {@link RequestSizeLimitFilter}'s request streams the moment a body passes its limit,
 * so the application's read fails fast instead of buffering an oversized body. It is an
 * {@link IOException} because that is what a body read may throw; the filter answers 413 itself
 * whether or not the application lets it propagate.
 */
public final class RequestTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public RequestTooLargeException(long limit) {
        super("Request body exceeds the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit, in bytes, the body passed. */
    public long limit() {
        return limit;
    }
}
