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
 * A throwable whose {@code getMessage()} or {@code toString()} throws is copied too (the backend
 * would call it again, and its failure would escape the error path), as is one whose
 * {@code toString()} (what {@code Throwable.printStackTrace} prints) says more than its class and message.
 *
 * <p>Bounded, since a client can make an application's exception as large as what it sends: a
 * message is cut after {@link #MAX_MESSAGE_CHARS} (a 1 MiB form value quoted by
 * {@code NumberFormatException} was one 1 MiB log line), and a throwable keeps its first
 * {@link #MAX_SUPPRESSED} suppressed throwables (2,000 were one event of 376 KB).
 */
final class RedactedThrowable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Cause and suppressed chains followed this deep; a longer chain keeps its rest unprinted. */
    private static final int MAX_DEPTH = 64;
    /** Characters of a message kept; the rest is left out, and said to be. */
    static final int MAX_MESSAGE_CHARS = 8_192;
    /** Suppressed throwables kept per throwable; the rest are counted. */
    static final int MAX_SUPPRESSED = 16;

    private RedactedThrowable(String text) {
        // The cause is set afterwards (initCause), once copied: chains may loop back.
        super(text);
    }

    private RedactedThrowable(String text, boolean writableStackTrace) {
        super(text, null, false, writableStackTrace);
    }

    /**
     * {@code failure} itself, or its redacted copy; {@code null} stays {@code null}. Never throws:
     * it runs on the error path, where a failure of its own would cost the client its problem body.
     */
    static Throwable loggable(Throwable failure) {
        if (failure == null) {
            return null;
        }
        try {
            if (!needsRedaction(failure, 0, new IdentityHashMap<>())) {
                return failure;
            }
            return copy(failure, 0, new IdentityHashMap<>());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // A chain whose accessors throw (getCause(), getStackTrace()), or no memory left to copy
            // it: its class alone, which cannot fail to print.
            return new RedactedThrowable(failure.getClass().getName() + " [could not be read for logging: "
                    + e.getClass().getName() + "]", false);
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
        if (!printsAsItIs(t)) {
            return true;
        }
        if (needsRedaction(t.getCause(), depth + 1, seen)) {
            return true;
        }
        Throwable[] suppressedThrowables = t.getSuppressed();
        if (suppressedThrowables.length > MAX_SUPPRESSED) {
            return true;
        }
        for (Throwable suppressed : suppressedThrowables) {
            if (needsRedaction(suppressed, depth + 1, seen)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether every backend prints {@code t}'s line as nothing but its class and a message with
     * nothing to mask or escape: logback prints the class and {@code getMessage()}, and
     * {@code printStackTrace} (java.util.logging, log4j) prints {@code toString()}.
     */
    private static boolean printsAsItIs(Throwable t) {
        String message;
        String shown;
        try {
            message = t.getMessage();
            shown = t.toString();
            // The backend reads the frames too (logback when it builds the event, outside any appender).
            t.getStackTrace();
        } catch (RuntimeException | StackOverflowError e) {
            return false;
        }
        // Redactor returns the very same String when it has nothing to mask or escape.
        return (message == null || message.length() <= MAX_MESSAGE_CHARS && Redactor.redact(message) == message)
                && standardText(t, message).equals(shown);
    }

    private static String standardText(Throwable t, String message) {
        return message == null ? t.getClass().getName() : t.getClass().getName() + ": " + message;
    }

    /** {@code t}'s line for the copy: as a backend would print it, redacted, and never a failure. */
    private static String copiedText(Throwable t) {
        String message;
        try {
            message = t.getMessage();
        } catch (RuntimeException | StackOverflowError e) {
            return t.getClass().getName() + " [getMessage() threw " + e.getClass().getName() + "]";
        }
        String shown;
        try {
            shown = t.toString();
        } catch (RuntimeException | StackOverflowError e) {
            shown = null;
        }
        if (shown != null && !shown.equals(standardText(t, message))) {
            return bounded(Redactor.redact(shown));
        }
        return message == null ? t.getClass().getName() : t.getClass().getName() + ": " + bounded(Redactor.redact(message));
    }

    /** {@code text} cut after {@link #MAX_MESSAGE_CHARS} (redacted first, so that no cut half of a secret goes unmasked). */
    private static String bounded(String text) {
        if (text.length() <= MAX_MESSAGE_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_MESSAGE_CHARS - 1)) ? MAX_MESSAGE_CHARS - 1 : MAX_MESSAGE_CHARS;
        return text.substring(0, end) + " [" + (text.length() - end) + " more characters left out]";
    }

    private static Throwable copy(Throwable t, int depth, Map<Throwable, Throwable> copies) {
        Throwable done = copies.get(t);
        if (done != null) {
            return done;
        }
        RedactedThrowable copy = new RedactedThrowable(copiedText(t));
        copies.put(t, copy);
        copy.setStackTrace(t.getStackTrace());
        if (depth < MAX_DEPTH) {
            Throwable cause = t.getCause();
            if (cause != null && cause != t) {
                copy.initCause(copy(cause, depth + 1, copies));
            }
            Throwable[] suppressedThrowables = t.getSuppressed();
            for (int i = 0; i < Math.min(suppressedThrowables.length, MAX_SUPPRESSED); i++) {
                Throwable copied = copy(suppressedThrowables[i], depth + 1, copies);
                if (copied != copy) {
                    copy.addSuppressed(copied);
                }
            }
            if (suppressedThrowables.length > MAX_SUPPRESSED) {
                copy.addSuppressed(new RedactedThrowable("[" + (suppressedThrowables.length - MAX_SUPPRESSED)
                        + " more suppressed throwables left out]", false));
            }
        }
        return copy;
    }
}
