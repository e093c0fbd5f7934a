package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathRulesTest {

    @Test
    void scopeMatchesMethodExactPathsAndPrefixes() {
        PathRules rules = PathRules.scope("paths", List.of("POST /api/send-message", "/api/uploads/*", "GET  /x"));

        assertThat(rules.matches("POST", "/api/send-message")).isTrue();
        assertThat(rules.matches("GET", "/api/send-message")).isFalse();
        assertThat(rules.matches("POST", "/api/send-message/extra")).isFalse();
        assertThat(rules.matches("PUT", "/api/uploads")).isTrue();
        assertThat(rules.matches("PUT", "/api/uploads/a/b")).isTrue();
        assertThat(rules.matches("PUT", "/api/uploadsX")).isFalse();
        assertThat(rules.matches("GET", "/x")).isTrue();
        assertThat(PathRules.scope("paths", List.of("/*")).matches("GET", "/anything")).isTrue();
    }

    /** HttpServlet answers HEAD with doGet: a GET rule must cover it, or HEAD does the work unlimited. */
    @Test
    void aGetRuleCoversHeadAndMethodsMatchInAnyCase() {
        PathRules rules = PathRules.scope("paths", List.of("GET /api/search", "POST /api/send-message"));

        assertThat(rules.matches("HEAD", "/api/search")).isTrue();
        assertThat(rules.matches("get", "/api/search")).isTrue();
        assertThat(rules.matches("post", "/api/send-message")).isTrue();
        assertThat(rules.matches("HEAD", "/api/send-message")).isFalse();
        assertThat(rules.matches("OPTIONS", "/api/search")).isFalse();
    }

    @Test
    void allowlistPrefixesMatchWholeSegmentsOnly() {
        PathRules allow = PathRules.prefixes("allowlist", List.of("/health", "/static/*", "/metrics/"));

        assertThat(allow.matches("GET", "/health")).isTrue();
        assertThat(allow.matches("GET", "/health/live")).isTrue();
        assertThat(allow.matches("GET", "/healthz")).isFalse();
        assertThat(allow.matches("GET", "/static/app.js")).isTrue();
        assertThat(allow.matches("GET", "/metrics")).isTrue();
        assertThat(allow.matches("GET", "/api")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/x", "GET", "get /x", "POST /a /b", "/a*", "/a/*/b", "/a?b", "/a/../b", "//a",
            "P0ST /x", "/a b", "*"})
    void refusesBadScopePatternsNamingThem(String item) {
        assertThatThrownBy(() -> PathRules.scope("paths", List.of("/ok", item)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("paths").hasMessageContaining(item);
    }

    @Test
    void refusesMethodsInTheAllowlist() {
        assertThatThrownBy(() -> PathRules.prefixes("RATE_LIMIT_ALLOWLIST", List.of("GET /health")))
                .hasMessageContaining("RATE_LIMIT_ALLOWLIST").hasMessageContaining("GET /health");
    }

    /** An exact "/" scope is the root alone; an allowlisted "/" is refused. */
    @Test
    void theRootIsAPathLikeAnyOther() {
        PathRules scope = PathRules.scope("paths", List.of("/", "PATCH /p"));

        assertThat(scope.matches("GET", "/")).isTrue();
        assertThat(scope.matches("GET", "/x")).isFalse();
        assertThat(scope.matches("PATCH", "/p")).isTrue();
        // An allowlisted "/" or "/*" would spare every path: refused (FailOpenSettingsTest).
        assertThatThrownBy(() -> PathRules.prefixes("allowlist", List.of("/"))).hasMessageContaining("allowlist");
        assertThatThrownBy(() -> PathRules.prefixes("allowlist", List.of("/a b"))).hasMessageContaining("allowlist");
    }
}
