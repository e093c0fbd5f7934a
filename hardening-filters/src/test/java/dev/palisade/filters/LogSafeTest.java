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
}
