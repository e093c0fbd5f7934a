package dev.palisade.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentValuesTest {
    private static long number(String value) {
        return EnvironmentValues.wholeNumber(Map.of("N", value)::get, "N", 7, 1, 1000, "a whole number from 1 to 1000");
    }

    @Test
    void takesPlainDigitsAroundWhitespaceAndFallsBackWhenUnsetOrBlank() {
        assertThat(number(" 42 ")).isEqualTo(42);
        assertThat(number("1000")).isEqualTo(1000);
        assertThat(number("   ")).isEqualTo(7);
        assertThat(EnvironmentValues.wholeNumber(name -> null, "N", 7, 1, 1000, "x")).isEqualTo(7);
    }

    /** {@code Long.parseLong} takes a sign and any script's digits; the filter kit's settings take neither. */
    @Test
    void refusesASignOtherScriptsDigitsAndNumbersPastTheRange() {
        for (String bad : new String[] {"+30", "-0", "\u0663\u0660", "\uff13\uff10", "1_000", "0x10", "0", "1001",
                "99999999999999999999", "9223372036854775808"}) {
            assertThatThrownBy(() -> number(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid value for N: \"")
                    .hasMessageEndingWith("\" (expected a whole number from 1 to 1000)");
        }
    }

    @Test
    void aRefusedValueCannotForgeALogLineAndIsCutShort() {
        assertThatThrownBy(() -> number("5\r\nINFO forged " + "x".repeat(100)))
                .hasMessage("Invalid value for N: \"5??INFO forged xxxxxxxxxxxxxxxxxxxxxxxxx\" "
                        + "(expected a whole number from 1 to 1000)");
    }

    @Test
    void aSwitchTakesTheUsualWords() {
        assertThat(EnvironmentValues.flag(Map.of("F", " On ")::get, "F", false)).isTrue();
        assertThat(EnvironmentValues.flag(Map.of("F", "0")::get, "F", true)).isFalse();
        assertThat(EnvironmentValues.flag(name -> null, "F", true)).isTrue();
        assertThatThrownBy(() -> EnvironmentValues.flag(Map.of("F", "enabled")::get, "F", true))
                .hasMessage("Invalid value for F: \"enabled\" (expected 1 or 0, true or false, yes or no, on or off)");
    }
}
