package dev.palisade.filters;

/** Escapes control characters so that no logged value can start a forged log line. */
final class LogSafe {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {
    }

    /** Returns {@code value} with CR, LF, TAB, every other control character and the bidi controls escaped. */
    static String escape(CharSequence value) {
        if (value == null) {
            return "null";
        }
        int n = value.length();
        int i = 0;
        while (i < n && !needsEscape(value.charAt(i))) {
            i++;
        }
        if (i == n) {
            return value.toString();
        }
        StringBuilder out = new StringBuilder(n + 16);
        out.append(value, 0, i);
        for (; i < n; i++) {
            appendEscaped(out, value.charAt(i));
        }
        return out.toString();
    }

    /** Appends {@code c}, escaped when it is a control character. */
    static void appendEscaped(StringBuilder out, char c) {
        if (!needsEscape(c)) {
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
        // DEL, C1, the Unicode line/paragraph separators some log viewers honour, and the bidi
        // controls that make a terminal or viewer show a line in another order than it was written.
        return c <= 0x9F || c == '\u2028' || c == '\u2029' || isBidiControl(c);
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
