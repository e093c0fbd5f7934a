package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final Set<String> KNOWN = Set.of("maxBytes", "paths");

    @Test
    void aSourcePrintsItsKeyButNotItsValueWhichMayBeASecret() {
        Settings settings = Settings.fromEnvironment(Map.of("API_KEYS", "Zk3pQ9xL2mN7vR4tY8wB1cD6@team-a:manager")::get);

        String printed = String.valueOf(settings.raw(null, "API_KEYS"));

        assertThat(printed).contains("API_KEYS").contains("39 characters").doesNotContain("Zk3p");
    }

    @Test
    void initParamWinsOverEnvironmentWhichWinsOverDefault() {
        Map<String, String> env = Map.of("LIMIT_KB", "2");
        Settings withParam = Settings.from("F", Map.of("maxBytes", "10"), KNOWN, env::get);
        Settings withEnv = Settings.from("F", Map.of(), KNOWN, env::get);
        Settings bare = Settings.from("F", Map.of(), KNOWN, k -> null);

        assertThat(withParam.nonNegativeLong("maxBytes", "LIMIT_KB", 1024, 7)).isEqualTo(10);
        assertThat(withEnv.nonNegativeLong("maxBytes", "LIMIT_KB", 1024, 7)).isEqualTo(2048);
        assertThat(bare.nonNegativeLong("maxBytes", "LIMIT_KB", 1024, 7)).isEqualTo(7);
    }

    @Test
    void rejectsUnknownInitParamNamingIt() {
        assertThatThrownBy(() -> Settings.from("SizeFilter", Map.of("maxByte", "1"), KNOWN, k -> null))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("SizeFilter").hasMessageContaining("maxByte");
    }

    @Test
    void rejectsBadNumbersNamingKeyAndValue() {
        Settings negative = Settings.from("F", Map.of("maxBytes", "-5"), KNOWN, k -> null);
        Settings word = Settings.fromEnvironment(Map.of("LIMIT_KB", "lots")::get);

        assertThatThrownBy(() -> negative.nonNegativeLong("maxBytes", null, 1))
                .hasMessageContaining("maxBytes").hasMessageContaining("-5");
        assertThatThrownBy(() -> word.nonNegativeLong(null, "LIMIT_KB", 1024, 1))
                .hasMessageContaining("LIMIT_KB").hasMessageContaining("lots");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("R", "0")::get).positiveDouble(null, "R", 1))
                .hasMessageContaining("R");
    }

    @Test
    void aSwitchTakesTheUsualSpellingsAndARefusalNamesThemAll() {
        for (String yes : List.of("true", "1", "yes", "on", " ON ")) {
            assertThat(Settings.from("F", Map.of("maxBytes", yes), KNOWN, k -> null).bool("maxBytes", null, false))
                    .as(yes).isTrue();
        }
        for (String no : List.of("false", "0", "no", "off", "False")) {
            assertThat(Settings.from("F", Map.of("maxBytes", no), KNOWN, k -> null).bool("maxBytes", null, true))
                    .as(no).isFalse();
        }

        assertThatThrownBy(() -> Settings.from("F", Map.of("maxBytes", "enabled"), KNOWN, k -> null)
                .bool("maxBytes", null, true))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("maxBytes").hasMessageContaining("\"enabled\"")
                .hasMessageContaining("true or false, 1 or 0, yes or no, on or off");
    }

    /** A value that overflows once multiplied by the variable's unit names the largest one that does not. */
    @Test
    void namesTheLargestValueThatFitsOnceMultiplied() {
        Settings fits = Settings.fromEnvironment(Map.of("LIMIT_KB", "9007199254740991")::get);
        Settings over = Settings.fromEnvironment(Map.of("LIMIT_KB", "9007199254740992")::get);

        assertThat(fits.nonNegativeLong(null, "LIMIT_KB", 1024, 1)).isEqualTo(9007199254740991L * 1024);
        assertThatThrownBy(() -> over.nonNegativeLong(null, "LIMIT_KB", 1024, 1))
                .hasMessageContaining("LIMIT_KB").hasMessageContaining("\"9007199254740992\"")
                .hasMessageContaining("<= 9007199254740991");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("LIMIT_KB", "99999999999999999999")::get)
                .nonNegativeLong(null, "LIMIT_KB", 1024, 1)).hasMessageContaining("<= 9007199254740991");
        assertThatThrownBy(() -> Settings.from("F", Map.of("maxBytes", "99999999999999999999"), KNOWN, k -> null)
                .nonNegativeLong("maxBytes", null, 1)).hasMessageContaining("<= 9223372036854775807");
    }

    @Test
    void escapesControlCharactersInTheMessage() {
        Settings s = Settings.from("F", Map.of("maxBytes", "1\nFAKE LOG LINE"), KNOWN, k -> null);

        assertThatThrownBy(() -> s.nonNegativeLong("maxBytes", null, 1))
                .hasMessageNotContaining("\n").hasMessageContaining("\\nFAKE");
    }

    @Test
    void splitsListsAndDropsBlanks() {
        Settings s = Settings.from("F", Map.of("paths", " /a , ,/b/* "), KNOWN, k -> null);

        assertThat(s.list("paths", null, List.of())).containsExactly("/a", "/b/*");
    }

    @Test
    void takesBothEndsOfARangeAndTheDefaultOfAnUnsetSwitch() {
        Settings s = Settings.fromEnvironment(Map.of("ONE", "1", "TEN", "10")::get);

        assertThat(s.positiveLong(null, "ONE", 5, 10)).isEqualTo(1);
        assertThat(s.positiveLong(null, "TEN", 5, 10)).isEqualTo(10);
        assertThat(s.bool(null, "UNSET", true)).isTrue();
        assertThat(s.bool(null, "UNSET", false)).isFalse();
    }
}
