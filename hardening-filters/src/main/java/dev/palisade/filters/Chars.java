package dev.palisade.filters;

/** Character searches and case folding that {@link String} lacks on Java 17. */
final class Chars {
    private Chars() {
    }

    /**
     * The first {@code c} in {@code text[from, to)}, or -1. Bounded by {@code to} so that a search
     * repeated for every element of a list stays within the element (a search to the end of the
     * text each time would cost elements times length).
     */
    static int indexOf(CharSequence text, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The value of an ASCII hex digit ({@code 0-9 a-f A-F}), or -1. Not {@link Character#digit}:
     * it takes every script's digits and the fullwidth letters too, so that {@code %\u06641}
     * decoded to {@code A} where the containers refuse the escape.
     */
    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * {@code text} case-folded character by character, as {@link String#equalsIgnoreCase} compares:
     * two strings are equal ignoring case exactly when their folds are equal. Not
     * {@code toLowerCase}: it makes {@code İ} two characters and leaves {@code ı} and {@code ſ},
     * which {@code equalsIgnoreCase} (and a router built on it) takes for {@code i} and {@code s}.
     */
    static String foldCase(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'A' && c <= 'Z') || c >= 0x80) {
                return foldFrom(text, i);
            }
        }
        return text;
    }

    /** The fold of {@code text}, whose first {@code start} characters fold to themselves. By code point (Deseret too). */
    private static String foldFrom(String text, int start) {
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, start);
        for (int i = start; i < text.length(); ) {
            int cp = text.codePointAt(i);
            out.appendCodePoint(cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp)
                    : Character.toLowerCase(Character.toUpperCase(cp)));
            i += Character.charCount(cp);
        }
        String folded = out.toString();
        return folded.equals(text) ? text : folded;
    }
}
