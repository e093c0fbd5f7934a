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
     * {@code text} case-folded character by character, as {@link String#equalsIgnoreCase} compares:
     * two strings are equal ignoring case exactly when their folds are equal. Not
     * {@code toLowerCase}: it makes {@code İ} two characters and leaves {@code ı} and {@code ſ},
     * which {@code equalsIgnoreCase} (and a router built on it) takes for {@code i} and {@code s}.
     */
    static String foldCase(String text) {
        char[] folded = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char f = c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c)
                    : Character.toLowerCase(Character.toUpperCase(c));
            if (f != c) {
                if (folded == null) {
                    folded = text.toCharArray();
                }
                folded[i] = f;
            }
        }
        return folded == null ? text : new String(folded);
    }
}
