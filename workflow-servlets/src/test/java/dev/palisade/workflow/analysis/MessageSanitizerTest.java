package dev.palisade.workflow.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageSanitizerTest {

    @Test
    void dropsControlAndInvisibleFormattingCharacters() {
        assertThat(MessageSanitizer.sanitize("a\u0000b\u0007c\u001bd\u007fe\u0085f\u200Bg\u202Eh\uFEFFi", 100))
                .isEqualTo("abcdefghi");
    }

    @Test
    void keepsLineBreaksAsNewlinesAndTabsAsSpaces() {
        assertThat(MessageSanitizer.sanitize("Hi,\r\nwe\rare\u2028here\tnow\n", 100))
                .isEqualTo("Hi,\nwe\nare\nhere now");
    }

    @Test
    void capsTheLengthWithoutSplittingASurrogatePair() {
        assertThat(MessageSanitizer.sanitize("x".repeat(10), 4)).isEqualTo("xxxx");
        String emoji = "\uD83D\uDE00";
        assertThat(MessageSanitizer.sanitize("abc" + emoji, 4)).isEqualTo("abc");
        assertThat(MessageSanitizer.sanitize("ab" + emoji, 4)).isEqualTo("ab" + emoji);
    }

    @Test
    void dropsLoneSurrogatesAndHandlesNull() {
        assertThat(MessageSanitizer.sanitize("a\uD800b\uDC00c", 10)).isEqualTo("abc");
        assertThat(MessageSanitizer.sanitize(null, 10)).isEmpty();
    }

    @Test
    void readsABoundedPrefixOfAHugeInput() {
        String padded = "\u0000".repeat(MessageSanitizer.SCAN_FACTOR * 10) + "hello";
        assertThat(MessageSanitizer.sanitize(padded, 10)).isEmpty();
        assertThat(MessageSanitizer.sanitize("\u0000".repeat(10) + "hello", 10)).isEqualTo("hello");
    }

    @Test
    void isIdempotent() {
        String once = MessageSanitizer.sanitize("  a\r\n\u0000b\tc  ", 5);
        assertThat(MessageSanitizer.sanitize(once, 5)).isEqualTo(once);
    }
}
