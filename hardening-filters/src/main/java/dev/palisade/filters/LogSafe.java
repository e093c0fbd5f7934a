package dev.palisade.filters;

/** Escapes control characters so that no logged value can start a forged log line. */
final class LogSafe {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {
    }

    /**
     * Returns {@code value} with CR, LF, TAB, every other control character, the invisible format
     * characters (the bidi controls among them) and each half of a broken surrogate pair escaped.
     */
    static String escape(CharSequence value) {
        if (value == null) {
            return "null";
        }
        int n = value.length();
        int i = 0;
        while (i < n && !needsEscape(value.charAt(i))) {
            if (!Character.isSurrogate(value.charAt(i))) {
                i++;
            } else if (keepsSurrogatePair(value, i)) {
                i += 2;
            } else {
                break;
            }
        }
        if (i == n) {
            return value.toString();
        }
        StringBuilder out = new StringBuilder(n + 16);
        out.append(value, 0, i);
        while (i < n) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c) && keepsSurrogatePair(value, i)) {
                out.append(c).append(value.charAt(i + 1));
                i += 2;
            } else {
                appendEscaped(out, c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * Appends {@code c}, escaped when it is a control or format character, or a surrogate: callers
     * pass one alone only when {@link #keepsSurrogatePair} said no.
     */
    static void appendEscaped(StringBuilder out, char c) {
        if (!needsEscape(c) && !Character.isSurrogate(c)) {
            out.append(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else if (c == '\r') {
            out.append("\\r");
        } else if (c == '\t') {
            out.append("\\t");
        } else {
            out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                    .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
        }
    }

    static boolean needsEscape(char c) {
        if (c < 0x7F) {
            return c < 0x20;
        }
        // DEL, C1, the Unicode line/paragraph separators some log viewers honour, and the format
        // characters: the bidi controls that make a viewer show a line in another order than it was
        // written, and the invisible ones (zero-width space, word joiner, soft hyphen, BOM) that make
        // two different values look alike ("admin" and "admin\u2060").
        return c <= 0x9F || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT;
    }

    /**
     * The characters that end a value, or sit in the gap before one, for the redaction rules:
     * control characters, the line separators and the bidi controls. The other format characters
     * (zero-width space and joiners, soft hyphen, BOM) are escaped but belong to the value they
     * stand in: one copied into a password would otherwise have left its rest in clear, and one
     * inside an emoji sequence would end a value where no reader sees a break.
     */
    static boolean breaksValue(char c) {
        if (c < 0x7F) {
            return c < 0x20;
        }
        return c <= 0x9F || c == '\u2028' || c == '\u2029' || isBidiControl(c);
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * Whether the surrogate at {@code i} starts a whole pair that may be logged as it is: a
     * character outside the BMP that is not a format character (an emoji, yes; a tag character,
     * invisible, no). A half without its other half is never kept: encoded, it turns into {@code ?}.
     */
    static boolean keepsSurrogatePair(CharSequence s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                && Character.getType(Character.toCodePoint(s.charAt(i), s.charAt(i + 1))) != Character.FORMAT;
    }
}
