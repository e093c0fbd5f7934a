package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathLimitsTest {
    @Test
    void exactMatchWinsThenTheLongestPrefix() {
        PathLimits limits = PathLimits.parse("pathLimits", "/api/*=10, /api/uploads/*=1000, /api/uploads/avatar=50");

        assertThat(limits.limitFor("/api/uploads/avatar")).hasValue(50);
        assertThat(limits.limitFor("/api/uploads/x/y")).hasValue(1000);
        assertThat(limits.limitFor("/api/uploads")).hasValue(1000);
        assertThat(limits.limitFor("/api/other")).hasValue(10);
        assertThat(limits.limitFor("/api")).hasValue(10);
        assertThat(limits.limitFor("/apiary")).isEmpty();
        assertThat(limits.limitFor("/")).isEmpty();
    }

    /** A stricter limit is not dodged by writing the path in capitals (found by review), nor a larger one lost. */
    @Test
    void matchesWithoutRegardToCase() {
        PathLimits limits = PathLimits.parse("pathLimits", "/api/avatar=50, /api/Uploads/*=1000");

        assertThat(limits.limitFor("/API/Avatar")).hasValue(50);
        assertThat(limits.limitFor("/api/avatar/")).hasValue(50);
        assertThat(limits.limitFor("/api/uploads/x")).hasValue(1000);
        assertThat(limits.limitFor("/API/UPLOADS")).hasValue(1000);
        assertThat(limits.limitFor("/api/uploadsx")).isEmpty();
        assertThatThrownBy(() -> PathLimits.parse("pathLimits", "/api/avatar=50, /API/avatar=60"))
                .hasMessageContaining("/API/avatar").hasMessageContaining("in any letter case");
    }

    @Test
    void configFallsBackToTheFilterWideLimit() {
        RequestSizeLimitFilter.Config config = RequestSizeLimitFilter.Config.builder().maxBytes(7)
                .pathLimit("/up/*", 70).pathLimit("/exact", 0).build();

        assertThat(config.limitFor("/up/file")).isEqualTo(70);
        assertThat(config.limitFor("/exact")).isZero();
        assertThat(config.limitFor("/exact/more")).isEqualTo(7);
    }

    @Test
    void skipsBlankItemsAsEveryListSettingDoes() {
        PathLimits limits = PathLimits.parse("pathLimits", " /a=1,, /b/*=2, ");

        assertThat(limits.limitFor("/a")).hasValue(1);
        assertThat(limits.limitFor("/b/c")).hasValue(2);
    }

    @Test
    void rejectsMalformedEntriesNamingThem() {
        Map<String, String> bad = Map.of(
                "/a=ten", "/a=ten", "a=1", "a", "/a/*/b=1", "/a/*/b", "/a*=1", "/a*",
                "/a=-1", "/a=-1", "/a", "/a", "/a=1,/a=2", "/a", "/a b=1", "/a b");
        bad.forEach((text, named) -> assertThatThrownBy(() -> PathLimits.parse("pathLimits", text))
                .as(text).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("pathLimits").hasMessageContaining(named));
        assertThatThrownBy(() -> RequestSizeLimitFilter.Config.builder().pathLimit("/x", -1))
                .hasMessageContaining("pathLimits");
    }

    @Test
    void configFromSettingsReadsEveryParam() {
        Settings s = Settings.from("size", Map.of("pathLimits", "/u/*=99", "maxParameters", "10",
                "multipartThresholdBytes", "0", "maxFormBytes", "4096"), RequestSizeLimitFilter.INIT_PARAMS,
                Map.of("REQUEST_SIZE_LIMIT_KB", "2")::get);

        RequestSizeLimitFilter.Config config = RequestSizeLimitFilter.Config.fromSettings(s);

        assertThat(config.maxBytes()).isEqualTo(2048);
        assertThat(config.limitFor("/u/x")).isEqualTo(99);
        assertThat(config.maxParameters()).isEqualTo(10);
        assertThat(config.multipartThresholdBytes()).isZero();
        assertThat(config.maxFormBytes()).isEqualTo(4096);
        RequestSizeLimitFilter.Config defaults = RequestSizeLimitFilter.Config.fromSettings(Settings.fromEnvironment(k -> null));
        assertThat(defaults.maxBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.maxFormBytes()).isEqualTo(2 * 1024 * 1024);
    }

    /** A list of exact paths only, or of prefixes only, applies: it is not taken for "no overrides". */
    @Test
    void aListOfOnlyExactPathsOrOnlyPrefixesApplies() {
        assertThat(PathLimits.parse("pathLimits", "/api/avatar/=50").limitFor("/api/avatar")).hasValue(50);
        assertThat(PathLimits.parse("pathLimits", "/=5").limitFor("/")).hasValue(5);
        assertThat(PathLimits.parse("pathLimits", "/up/*=70").limitFor("/up/x")).hasValue(70);
        assertThat(PathLimits.parse("pathLimits", "/exact=0").limitFor("/exact")).hasValue(0);
        assertThat(PathLimits.parse("pathLimits", " , ").isEmpty()).isTrue();
    }

    @Test
    void patternsGivenInCodeAreCheckedAsTheTextFormIs() {
        for (String bad : java.util.List.of("/api/%61vatar", "/api/../x", "/api/.", "api")) {
            assertThatThrownBy(() -> PathLimits.of(Map.of(bad, 1L))).as(bad).isInstanceOf(InvalidSettingException.class);
        }
    }
}
