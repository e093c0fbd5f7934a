package io.vertx.core.http;

/** Stands in for Vert.x's exception of that name (the filter jar recognises it by name): shared, without frames. */
public class HttpClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HttpClosedException(String message) {
        super(message, null, false, false);
    }
}
