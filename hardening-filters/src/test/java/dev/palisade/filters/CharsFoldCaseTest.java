package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Chars#foldCase}: two strings fold alike exactly when {@code equalsIgnoreCase} says they are equal. */
class CharsFoldCaseTest {
    private static final String[] WORDS = {
        "/api/events", "/API/EVENTS", "/ap\u0131/events", "/AP\u0130/events", "/api/event\u017f", "/\u212Aey",
        "/key", "/\u212Bngstrom", "/\u00e5ngstrom", "/\u03a3\u03c3\u03c2", "/\u03c3\u03c3\u03c3",
        "/\uD801\uDC00dmin", "/\uD801\uDC28dmin", "/\uFF21pi", "/\uFF41pi", "/i\u0307nfo", "/info",
    };

    @Test
    void foldsAlikeExactlyWhatEqualsIgnoreCaseTakesForEqual() {
        for (String a : WORDS) {
            for (String b : WORDS) {
                assertThat(Chars.foldCase(a).equals(Chars.foldCase(b))).as("%s vs %s", a, b)
                        .isEqualTo(a.equalsIgnoreCase(b));
            }
        }
    }

    @Test
    void returnsAPathWithNothingToFoldAsItIs() {
        String plain = "/api/events/1";
        assertThat(Chars.foldCase(plain)).isSameAs(plain);
        assertThat(Chars.foldCase("/API")).isEqualTo("/api");
    }
}
