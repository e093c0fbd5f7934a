package dev.palisade.filters;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A throwable as it may be logged. An exception's message often quotes what the client sent (a
 * number that did not parse, an excerpt of a JSON body, a header), so it can carry personal data, a
 * password, or a CR/LF that would start a forged log line when the backend prints the stack trace.
 * {@link #loggable} returns the throwable itself when no message in its chain needs masking or
 * escaping (the common case, at no cost but a scan), and otherwise a copy with every message
 * passed through {@link Redactor#redact}, the same stack traces, causes and suppressed throwables.
 * The copy's message starts with the original class, as the backend would have printed it.
 */
final class RedactedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Cause and suppressed chains followed this deep; a longer chain keeps its rest unprinted. */
    private static final int MAX_DEPTH = 64;

    private RedactedThrowable(String text) {
        // The cause is set afterwards (initCause), once copied: chains may loop back.
        super(text);
    }

    /**
     * {@code failure} itself, or its redacted copy; {@code null} stays {@code null}. Never throws:
     * it runs on the error path, where a failure of its own would cost the client its problem body.
     */
    static Throwable loggable(Throwable failure) {
        try {
            if (failure == null || !needsRedaction(failure, 0, new IdentityHashMap<>())) {
                return failure;
            }
            return copy(failure, 0, new IdentityHashMap<>());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // A throwable whose getMessage() misbehaves (throws, or recurses into toString()), or
            // no memory left to copy it: logged as it is, and left as it is.
            return failure;
        }
    }

    private static boolean needsRedaction(Throwable t, int depth, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        if (depth > MAX_DEPTH) {
            // Too deep to check: the original would be logged with its whole chain, unchecked. The
            // copy stops at this depth instead.
            return true;
        }
        String message = t.getMessage();
        // Redactor returns the very same String when it has nothing to mask or escape.
        if (message != null && Redactor.redact(message) != message) {
            return true;
        }
        if (needsRedaction(t.getCause(), depth + 1, seen)) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (needsRedaction(suppressed, depth + 1, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable copy(Throwable t, int depth, Map<Throwable, Throwable> copies) {
        Throwable done = copies.get(t);
        if (done != null) {
            return done;
        }
        String message = t.getMessage();
        RedactedThrowable copy = new RedactedThrowable(
                t.getClass().getName() + (message == null ? "" : ": " + Redactor.redact(message)));
        copies.put(t, copy);
        copy.setStackTrace(t.getStackTrace());
        if (depth < MAX_DEPTH) {
            Throwable cause = t.getCause();
            if (cause != null && cause != t) {
                copy.initCause(copy(cause, depth + 1, copies));
            }
            for (Throwable suppressed : t.getSuppressed()) {
                Throwable copied = copy(suppressed, depth + 1, copies);
                if (copied != copy) {
                    copy.addSuppressed(copied);
                }
            }
        }
        return copy;
    }
}
