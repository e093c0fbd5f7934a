package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void escapesControlAndFormatCharactersAndBrokenSurrogatePairs() {
        assertThat(LogSafe.escape("GET\r\nINFO x")).isEqualTo("GET\\r\\nINFO x");
        assertThat(LogSafe.escape("admin\u2060")).isEqualTo("admin\\u2060");
        assertThat(LogSafe.escape("\u202Eexe.txt")).isEqualTo("\\u202eexe.txt");
        assertThat(LogSafe.escape("a\ud800b\udc00")).isEqualTo("a\\ud800b\\udc00");
        assertThat(LogSafe.escape("\udc00\ud800")).isEqualTo("\\udc00\\ud800");
        assertThat(LogSafe.escape("tag\udb40\udc67")).isEqualTo("tag\\udb40\\udc67");
    }

    @Test
    void keepsTextThatShowsAsItIs() {
        for (String kept : new String[] {"plain", "caf\u00e9 \u0434\u0436\u043e\u043d", "\ud83d\ude00 \ud835\udcbf", ""}) {
            assertThat(LogSafe.escape(kept)).isSameAs(kept);
        }
        assertThat(LogSafe.escape("x \ud83d\ude00\n")).isEqualTo("x \ud83d\ude00\\n");
    }

    /** DEL and the C1 range end at U+009F: both ends escaped (PIT: boundaries of needsEscape survived). */
    @Test
    void escapesDelAndTheWholeC1Range() {
        assertThat(LogSafe.escape("a\u007Fb")).isEqualTo("a\\u007fb");
        assertThat(LogSafe.escape("a\u0080b\u009Fc\u00A0d")).isEqualTo("a\\u0080b\\u009fc\u00A0d");
        assertThat(LogSafe.escape("\u001F\u0020")).isEqualTo("\\u001f ");
    }

    /** Both Unicode line separators and the bidi marks outside the U+202A and U+2066 ranges. */
    @Test
    void escapesBothLineSeparatorsAndTheSingleBidiMarks() {
        assertThat(LogSafe.escape("a\u2028b\u2029c\u061Cd\u200Ee\u200Ff")).isEqualTo("a\\u2028b\\u2029c\\u061cd\\u200ee\\u200ff");
    }

    /** A null value prints as "null", never a failure of the log call. */
    @Test
    void nullIsPrintedAsNull() {
        assertThat(LogSafe.escape(null)).isEqualTo("null");
    }

    /** After the first escape, a whole surrogate pair is still kept and a broken one still escaped. */
    @Test
    void keepsPairsAndEscapesHalvesAfterTheFirstEscape() {
        assertThat(LogSafe.escape("\n\ud83d\ude00 \ud83d")).isEqualTo("\\n\ud83d\ude00 \\ud83d");
    }
}
