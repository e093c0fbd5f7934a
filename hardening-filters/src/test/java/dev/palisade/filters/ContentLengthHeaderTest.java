package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentLengthHeaderTest {
    private static long parse(String... values) {
        return ContentLengthHeader.parse(Collections.enumeration(List.of(values)));
    }

    @Test
    void readsAPlainLength() {
        assertThat(parse("0")).isZero();
        assertThat(parse("1048576")).isEqualTo(1048576);
        assertThat(parse(" 42 ")).isEqualTo(42);
        assertThat(parse("007")).isEqualTo(7);
    }

    @Test
    void absentWhenThereIsNoField() {
        assertThat(ContentLengthHeader.parse(null)).isEqualTo(ContentLengthHeader.ABSENT);
        assertThat(ContentLengthHeader.parse(Collections.emptyEnumeration())).isEqualTo(ContentLengthHeader.ABSENT);
    }

    @Test
    void rejectsWhatIsNotADecimalNumber() {
        for (String bad : List.of("", " ", "abc", "-1", "+5", "1.0", "0x10", "1e3", "5 5", "٣")) {
            assertThat(parse(bad)).as("\"%s\"", bad).isEqualTo(ContentLengthHeader.INVALID);
        }
    }

    @Test
    void acceptsRepeatedIdenticalValuesAndRejectsConflictingOnes() {
        assertThat(parse("5", "5")).isEqualTo(5);
        assertThat(parse("5, 5")).isEqualTo(5);
        assertThat(parse("5", "6")).isEqualTo(ContentLengthHeader.INVALID);
        assertThat(parse("5, 6")).isEqualTo(ContentLengthHeader.INVALID);
        assertThat(parse("5,")).isEqualTo(ContentLengthHeader.INVALID);
    }

    @Test
    void treatsAnAbsurdlyLargeNumberAsOverAnyLimit() {
        assertThat(parse("99999999999999999999999")).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("100000000000000000000")).isEqualTo(Long.MAX_VALUE);
        assertThat(parse("99999999999999999999999x")).isEqualTo(ContentLengthHeader.INVALID);
    }
}
