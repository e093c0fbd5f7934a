package dev.palisade.filters;

/** Character searches that {@link String} lacks on Java 17. */
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
}
