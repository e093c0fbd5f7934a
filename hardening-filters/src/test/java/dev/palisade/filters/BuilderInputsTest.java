package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the builders do with input given in code that the text form of a setting could never
 * hold: a comma list as one entry, a null entry or array, and what equal configs are.
 */
class BuilderInputsTest {

    /**
     * docs/filters.md ("What every filter shares") and package-info promise that a null entry in a
     * list given in code, trustedProxies named, fails with an InvalidSettingException naming the
     * setting. The String... overload throws a bare NullPointerException from List.of.
     */
    @Test
    void aNullTrustedProxyGivenInCodeFailsNamingTheSetting() {
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().trustedProxies("10.0.0.0/8", null).build())
                .isInstanceOf(InvalidSettingException.class)
                .satisfies(e -> assertThat(((InvalidSettingException) e).key()).isEqualTo("trustedProxies"));
    }

    /**
     * The init-param form of every path list is split at commas, so no parsed entry can hold one.
     * The builders take "/api/qna,/api/debug/*" (the init-param's spelling) as ONE path that matches
     * no request: the gate then hides nothing and the limiter limits nothing, silently. PathLimits
     * already refuses ',' for this reason; the list settings should too.
     */
    @Test
    void aCommaListGivenAsOneEntryInCodeIsRefusedAsTheTextFormCouldNeverMeanIt() {
        assertThatThrownBy(() -> EnvironmentGateFilter.Config.builder()
                .devOnlyPaths("/api/qna,/api/debug/*").build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().paths("/api/a,/api/b").build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> RateLimitFilter.Config.builder().allowlist("/health,/metrics").build())
                .isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.builder().noStorePaths("/api/,/admin/").build())
                .isInstanceOf(InvalidSettingException.class);
        // An access rule too: "/api/admin,/api/keys" needing manager matched nothing, and any valid key got in.
        assertThatThrownBy(() -> ApiKeyAuthFilter.Config.builder().rule(null, "/api/admin,/api/keys", "manager"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("rules");
        assertThatThrownBy(() -> ApiKeyAuthFilter.Config.builder().publicPath("/health,/metrics"))
                .isInstanceOf(InvalidSettingException.class);
    }

    /** The builders' array setters: a null array is "none" for paths/allowlist but a bare NPE elsewhere. */
    @Test
    void aNullArrayIsHandledAlikeByEveryListSetter() {
        assertThat(RateLimitFilter.Config.builder().paths((String[]) null).build().paths()).isEmpty();
        assertThat(EnvironmentGateFilter.Config.builder().devOnlyPaths((String[]) null).build().devOnlyPaths())
                .isEmpty();
        assertThat(SecurityHeadersFilter.Config.builder().noStorePaths((String[]) null).build().noStorePaths())
                .isEmpty();
        assertThatThrownBy(() -> EnvironmentGateFilter.Config.builder().environment(null))
                .isInstanceOf(InvalidSettingException.class);
    }

    /**
     * Configs are records, so users compare them; two configs built from the same keys are not equal
     * (ApiKeys has identity equality), and so neither are two Hardening configs read from one environment.
     */
    @Test
    void configsOfTheSameKeysAreEqual() {
        String keys = "Abcdefgh12345678xyz@team-a:manager";
        assertThat(ApiKeyAuthFilter.Config.builder().keys(keys).build())
                .isEqualTo(ApiKeyAuthFilter.Config.builder().keys(keys).build());
        java.util.function.Function<String, String> env = java.util.Map.of("API_KEYS", keys)::get;
        assertThat(Hardening.fromEnvironment(env).build()).isEqualTo(Hardening.fromEnvironment(env).build());
    }

    /** Same path limits given in another order: equal limits for every path, unequal configs. */
    @Test
    void pathLimitsEqualityDoesNotDependOnTheOrderGiven() {
        RequestSizeLimitFilter.Config ab = RequestSizeLimitFilter.Config.builder()
                .pathLimit("/a/*", 1).pathLimit("/b/*", 1).build();
        RequestSizeLimitFilter.Config ba = RequestSizeLimitFilter.Config.builder()
                .pathLimit("/b/*", 1).pathLimit("/a/*", 1).build();
        for (String path : List.of("/a", "/a/x", "/b/y", "/c")) {
            assertThat(ab.limitFor(path)).isEqualTo(ba.limitFor(path));
        }
        assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
    }

    /** ApiKeyAuthFilter.Config.Builder's javadoc: "each call validates its arguments at once"; realm() does not. */
    @Test
    void theApiKeyBuilderValidatesTheRealmAtOnceAsItsJavadocSays() {
        assertThatThrownBy(() -> ApiKeyAuthFilter.Config.builder().realm("bad\"realm"))
                .isInstanceOf(InvalidSettingException.class);
    }

    /** Every config's toBuilder() starts from all of its settings, none reset to a default. */
    @Test
    void toBuilderKeepsEverySetting() {
        RequestSizeLimitFilter.Config size = RequestSizeLimitFilter.Config.builder().maxBytes(5).maxParameters(7)
                .multipartThresholdBytes(9).maxFormBytes(11).pathLimit("/a/*", 1).pathLimit("/b/", 2).build();
        assertThat(size.toBuilder().build()).isEqualTo(size);
        assertThat(size.toBuilder().pathLimit("/c", 3).build().limitFor("/a/x")).isEqualTo(1);
        EnvironmentGateFilter.Config gate = EnvironmentGateFilter.Config.builder().mode(Environment.Mode.DEV)
                .devOnlyPaths("/api/qna", "/api/debug/*").build();
        assertThat(gate.toBuilder().build()).isEqualTo(gate);
        SecurityHeadersFilter.Config headers = SecurityHeadersFilter.Config.builder().noStorePaths("/x/*", "/y/")
                .hstsMaxAge(60).hstsIncludeSubDomains(false).build();
        assertThat(headers.toBuilder().build()).isEqualTo(headers);
    }
}
