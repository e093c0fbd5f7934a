package dev.palisade.workflow.uploads;

/**
 * An upload refused for what the client sent (never for a server fault). {@link #status()} is the
 * HTTP status to answer and {@link #detail()} a fixed sentence safe to show the client; nothing of
 * the upload itself is in either.
 */
public abstract sealed class UploadRejectedException extends Exception
        permits UploadTooLargeException, UnsupportedMediaTypeException {
    private static final long serialVersionUID = 1L;

    UploadRejectedException(String detail) {
        super(detail);
    }

    /** The HTTP status for this rejection (413 or 415). */
    public abstract int status();

    /** A fixed sentence for the problem body's {@code detail}. */
    public String detail() {
        return getMessage();
    }
}
