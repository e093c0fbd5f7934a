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

    /** Both ends of A-Z fold, whether the capital starts the fold or comes after one. */
    @Test
    void foldsEveryAsciiCapital() {
        assertThat(Chars.foldCase("/Z")).isEqualTo("/z");
        assertThat(Chars.foldCase("/AZ")).isEqualTo("/az");
    }

    /** Every ASCII hex digit, of either case, and nothing else (Redactor decodes %3d, %3a, %79 with it). */
    @Test
    void readsEveryAsciiHexDigitAndNothingElse() {
        String digits = "0123456789abcdef";
        for (int i = 0; i < digits.length(); i++) {
            assertThat(Chars.hexValue(digits.charAt(i))).isEqualTo(i);
            assertThat(Chars.hexValue(Character.toUpperCase(digits.charAt(i)))).isEqualTo(i);
        }
        for (char c : "/:@`gG \u0660\uff21".toCharArray()) {
            assertThat(Chars.hexValue(c)).as("%s", c).isEqualTo(-1);
        }
    }
}
