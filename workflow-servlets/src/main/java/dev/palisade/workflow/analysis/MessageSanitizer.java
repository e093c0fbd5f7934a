package dev.palisade.workflow.analysis;

/**
 * Makes an untrusted client message safe to analyse: at most {@code maxLength} characters, no control or
 * invisible formatting characters. Both analysers apply the same function, so the rules see exactly what
 * the model would see and the LLM cache key is computed from the same text.
 *
 * <p>Line breaks are kept (CR LF, CR, U+2028 and U+2029 become {@code \n}) because in an email they end a
 * sentence or a signature line; a tab becomes a space. Every other control character (C0, DEL, C1), every
 * format character (zero-width and bidi overrides, which can hide text from a human reader) and every lone
 * surrogate is dropped. The cap never splits a surrogate pair. At most {@value #SCAN_FACTOR} times
 * {@code maxLength} input characters are read, so a huge input (or one padded with characters that are
 * dropped) costs no more than a long email.
 */
public final class MessageSanitizer {

    /** The default cap, in UTF-16 characters: a long email, far more than a booking request needs. */
    public static final int DEFAULT_MAX_LENGTH = 4000;

    /** How much of the input is read at most, as a multiple of the cap: generous for real text. */
    static final int SCAN_FACTOR = 8;

    private MessageSanitizer() {
    }

    /**
     * @param message   the raw message; {@code null} gives an empty string
     * @param maxLength the cap in UTF-16 characters, at least 1
     * @return the sanitised message, stripped of leading and trailing white space
     */
    public static String sanitize(String message, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1");
        }
        if (message == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(message.length(), maxLength));
        int scanEnd = (int) Math.min(message.length(), (long) maxLength * SCAN_FACTOR);
        int i = 0;
        while (i < scanEnd && out.length() < maxLength) {
            int cp = message.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\r') {
                if (i < scanEnd && message.charAt(i) == '\n') {
                    i++;
                }
                out.append('\n');
            } else if (cp == '\n' || cp == '\u2028' || cp == '\u2029') {
                out.append('\n');
            } else if (cp == '\t') {
                out.append(' ');
            } else if (isDropped(cp)) {
                continue;
            } else if (Character.charCount(cp) <= maxLength - out.length()) {
                out.appendCodePoint(cp);
            } else {
                break;
            }
        }
        return out.toString().strip();
    }

    private static boolean isDropped(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE;
    }
}
