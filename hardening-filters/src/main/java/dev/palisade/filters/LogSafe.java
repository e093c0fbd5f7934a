package dev.palisade.filters;

/** Escapes control characters so that no logged value can start a forged log line. */
final class LogSafe {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {
    }

    /** Returns {@code value} with CR, LF, TAB and every other control character escaped. */
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
        // C0, DEL, C1, and the Unicode line/paragraph separators some log viewers honour.
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
    }
}
