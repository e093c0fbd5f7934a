package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Settings written the way operators write them elsewhere mean what they say, or fail: a path
 * pattern with a trailing slash, the {@code /prefix/*} form in {@code noStorePaths}, numbers in
 * forms Java's parsers take but no one means, and failures that name the variable as written.
 */
class SettingsAsWrittenTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SYSTEM_TOKEN = "sys-Token_0123456789abcdef";

    static final class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getInputStream().readAllBytes();
            resp.getWriter().write("ok");
        }
    }

    private static RunningServer start(Container container, Filter filter, Map<String, String> params) throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic registration = ctx.addFilter("f", filter);
            params.forEach(registration::setInitParameter);
            registration.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("api", new Ok()).addMapping("/api/*");
        });
    }

    private static HttpResponse<String> send(RunningServer server, String method, String path, String bearer, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code /api/*} in noStorePaths is the prefix {@code /api/}, as the form means in every other path setting. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void noStorePathsTakesThePrefixForm(Container container) throws Exception {
        try (RunningServer server = start(container, new SecurityHeadersFilter(), Map.of("noStorePaths", "/api/*"))) {
            assertThat(send(server, "GET", "/api/events", null, null).headers().firstValue("Cache-Control"))
                    .contains("no-store");
            assertThat(send(server, "GET", "/api", null, null).headers().firstValue("Cache-Control"))
                    .contains("no-store");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api*", "/a*i/", "/api/%65vents", "/api//x", "/api/../x", "/api?x", "api/"})
    void noStorePathsRefusesWhatCouldNeverMatch(String prefix) {
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.builder().noStorePaths(prefix).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("noStorePaths");
    }

    /** A rate-limit scope written with a trailing slash limits the route written without it too. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRateLimitScopeWithATrailingSlashCoversTheRouteWithoutIt(Container container) throws Exception {
        try (RunningServer server = start(container, new RateLimitFilter(k -> null),
                Map.of("paths", "POST /api/send-message/", "rps", "0.01", "burst", "1"))) {
            List<Integer> statuses = new ArrayList<>();
            statuses.add(send(server, "POST", "/api/send-message", null, null).statusCode());
            statuses.add(send(server, "POST", "/api/send-message", null, null).statusCode());
            statuses.add(send(server, "POST", "/api/send-message/", null, null).statusCode());

            assertThat(statuses).containsExactly(200, 429, 429);
        }
    }

    /**
     * An access rule written with a trailing slash fails start-up: as written it missed the route
     * without the slash, and read without it, it would take {@code /api/admin} from a
     * {@code /api/admin/*} rule. The operator says which was meant.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anAccessRuleWithATrailingSlashFailsStartUp(Container container) {
        try (LogCapture logs = LogCapture.of(ApiKeyAuthFilter.class)) {
            assertThatThrownBy(() -> start(container, new ApiKeyAuthFilter(k -> null),
                    Map.of("keys", SYSTEM_TOKEN + "@team-b:system", "rules", "/api/admin/*=manager; /api/admin/=public"))
                    .close())
                    .isInstanceOf(Container.ContextFailedException.class);
            assertThat(logs.text()).contains("rules").contains("the path ends in /");
        }
        assertThatThrownBy(() -> ApiKeyAuthFilter.Config.builder().rule("GET", "/api/admin/", "manager"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("ends in /");
    }

    /**
     * A filter built from a Config reads no init-param: one set on its registration anyway (here a
     * web.xml-style limit an operator believes is in force) fails start-up, naming it, on both containers.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anInitParamGivenToAFilterBuiltFromAConfigFailsStartUp(Container container) {
        Map<String, Filter> filters = Map.of(
                "maxBytes", new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(64).build()),
                "burst", new RateLimitFilter(RateLimitFilter.Config.builder().build()),
                "keys", new ApiKeyAuthFilter(ApiKeyAuthFilter.Config.builder().build()),
                "devOnlyPaths", new EnvironmentGateFilter(EnvironmentGateFilter.Config.builder().build()),
                "noStorePaths", new SecurityHeadersFilter(SecurityHeadersFilter.Config.builder().build()),
                "anything", new AccessLogFilter(AccessLogFilter.Config.builder().build()));
        filters.forEach((param, filter) -> {
            try (LogCapture logs = LogCapture.of("dev.palisade")) {
                assertThatThrownBy(() -> start(container, filter, Map.of(param, "1")).close())
                        .as(param).isInstanceOf(Container.ContextFailedException.class);
                assertThat(logs.text()).as(param).contains("Init-param for f would be ignored: \"" + param + "\"");
            }
        });
    }

    /** A per-path body limit applies to its route with or without a trailing slash, however written. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aPathLimitAppliesWithOrWithoutATrailingSlash(Container container) throws Exception {
        try (RunningServer server = start(container, new RequestSizeLimitFilter(k -> null),
                Map.of("pathLimits", "/api/avatar/=16,/api/icon=16"))) {
            String body = "x".repeat(1000);
            assertThat(send(server, "POST", "/api/avatar", null, body).statusCode()).isEqualTo(413);
            assertThat(send(server, "POST", "/api/avatar/", null, body).statusCode()).isEqualTo(413);
            assertThat(send(server, "POST", "/api/icon/", null, body).statusCode()).isEqualTo(413);
            assertThat(send(server, "POST", "/api/other", null, body).statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/%61vatar=16", "/api//avatar=16", "/api/./avatar=16", "/api/x/../avatar=16",
        "/api\\avatar=16", "/api/avatar?x=16", "/api/avatar=+16", "/api/avatar=\u0661\u0666",
        "/api/avatar/=16,/api/avatar=32"})
    void pathLimitsRefusesPatternsThatCouldNeverMatchAndLooseNumbers(String text) {
        assertThatThrownBy(() -> PathLimits.parse("pathLimits", text))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("pathLimits");
    }

    /** A rate too small for the burst fails naming the variable and the value as the operator wrote them. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRateTooSmallForTheBurstNamesTheVariableAsWritten(Container container) throws Exception {
        Map<String, String> env = Map.of("RATE_LIMIT_RPS", "0.000000001");
        try (LogCapture logs = LogCapture.of(RateLimitFilter.class)) {
            assertThatThrownBy(() -> start(container, new RateLimitFilter(env::get), Map.of()).close())
                    .isInstanceOf(Container.ContextFailedException.class);

            assertThat(logs.text()).contains("Invalid value for RATE_LIMIT_RPS: \"0.000000001\"")
                    .contains("a larger rate for burst 10").doesNotContain("1.0E-9");
        }
    }

    @Test
    void numbersInFormsNoOneMeansAreRefused() {
        for (Map<String, String> env : List.of(Map.of("RATE_LIMIT_RPS", "2d"), Map.of("RATE_LIMIT_RPS", "0x1p3"),
                Map.of("RATE_LIMIT_RPS", "1e3"), Map.of("RATE_LIMIT_RPS", "NaN"),
                Map.of("REQUEST_SIZE_LIMIT_KB", "+1024"), Map.of("REQUEST_SIZE_LIMIT_KB", "\u0661\u0660\u0662\u0664"),
                Map.of("RATE_LIMIT_BURST", "\u0661\u0660"))) {
            String variable = env.keySet().iterator().next();
            assertThatThrownBy(() -> Hardening.fromEnvironment(env::get).build())
                    .as(env.toString())
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("Invalid value for " + variable);
        }
        Hardening.Config plain = Hardening.fromEnvironment(
                Map.of("RATE_LIMIT_RPS", " 0.5 ", "RATE_LIMIT_BURST", "20", "REQUEST_SIZE_LIMIT_KB", "64")::get).build();
        assertThat(plain.rateLimits().get(0).rps()).isEqualTo(0.5);
        assertThat(Hardening.fromEnvironment(Map.of("RATE_LIMIT_RPS", ".5")::get).build().rateLimits().get(0).rps())
                .isEqualTo(0.5);
        assertThat(Hardening.fromEnvironment(Map.of("RATE_LIMIT_RPS", "5.")::get).build().rateLimits().get(0).rps())
                .isEqualTo(5.0);
        assertThat(plain.rateLimits().get(0).burst()).isEqualTo(20);
        assertThat(plain.sizeLimit().maxBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void aNullRoleFailsAsAnInvalidSettingNamingTheRule() {
        assertThatThrownBy(() -> ApiKeyAuthFilter.Config.builder().rule("GET", "/api/x", "manager", null))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("/api/x");
    }
}
