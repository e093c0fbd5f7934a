package dev.palisade.filters;

/**
 * A form or multipart body the {@link RequestSizeLimitFilter}'s own parsers cannot accept (broken
 * multipart framing, too many parameters or parts). Unchecked, as the {@code getParameter} family
 * cannot throw checked exceptions; the filter answers 400 for it.
 */
final class MalformedBodyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    MalformedBodyException(String message) {
        super(message);
    }
}
