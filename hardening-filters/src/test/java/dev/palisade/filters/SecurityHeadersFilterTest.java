package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SecurityHeadersFilterTest {

    /** {@code /api/*}: "cached" sets its own Cache-Control, "fail" throws, "missing" is a 404; "/page" is HTML. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
            switch (path) {
                case "/api/cached" -> {
                    resp.setHeader("Cache-Control", "max-age=60");
                    resp.getWriter().write("cacheable");
                }
                case "/api/added" -> {
                    // As Spring's ResponseEntity writes its fields: addHeader, names in any case.
                    resp.addHeader("Cache-Control", "max-age=60");
                    resp.addHeader("cache-control", "public");
                    resp.addHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'self'");
                    resp.addHeader("x-frame-options", "SAMEORIGIN");
                    // Adds nothing in either container, and must not remove the default.
                    resp.addHeader("Referrer-Policy", null);
                    resp.getWriter().write("cacheable");
                }
                case "/api/fail" -> throw new IllegalStateException("boom");
                case "/api/missing" -> resp.sendError(404);
                default -> resp.getWriter().write("ok " + path);
            }
        }
    }

    private static RunningServer start(Container container, Map<String, String> params, boolean secure)
            throws Exception {
        return container.start(ctx -> register(ctx, params, secure));
    }

    private static void register(ServletContext ctx, Map<String, String> params, boolean secure) {
        if (secure) {
            // Stands in for a TLS connector: plain HTTP in the test, isSecure() true from here on.
            ctx.addFilter("pretendTls", (req, resp, chain) -> chain.doFilter(
                    new HttpServletRequestWrapper((HttpServletRequest) req) {
                        @Override
                        public boolean isSecure() {
                            return true;
                        }
                    }, resp)).addMappingForUrlPatterns(null, false, "/*");
        }
        ctx.addFilter("safeErrors", new SafeErrorFilter()).addMappingForUrlPatterns(null, true, "/*");
        FilterRegistration.Dynamic headers = ctx.addFilter("securityHeaders", new SecurityHeadersFilter());
        headers.setInitParameters(params);
        headers.addMappingForUrlPatterns(null, true, "/*");
        var app = ctx.addServlet("app", new App());
        app.addMapping("/api/*");
        app.addMapping("/page");
    }

    private static RawHttp.Response get(RunningServer server, String path) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    private static void assertAlwaysPresent(RawHttp.Response r) {
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void setsTheHeadersAndNoStoreOnlyUnderApi(Container container) throws Exception {
        try (RunningServer server = start(container, Map.of(), false)) {
            RawHttp.Response api = get(server, "/api/items");
            RawHttp.Response page = get(server, "/page");

            assertThat(api.status()).isEqualTo(200);
            assertAlwaysPresent(api);
            assertThat(api.headerValues("Cache-Control")).containsExactly("no-store");
            assertThat(page.status()).isEqualTo(200);
            assertAlwaysPresent(page);
            assertThat(page.header("Cache-Control")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void matchesTheDecodedPathSoAnEncodedPrefixCannotDodgeNoStore(Container container) throws Exception {
        try (RunningServer server = start(container, Map.of(), false)) {
            RawHttp.Response r = get(server, "/%61pi/items");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok /api/items");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    /** Nor capitals, for a router that ignores case (found by review: a shared cache could store it). */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aPrefixWrittenInAnotherCaseGetsNoStoreToo(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("securityHeaders", new SecurityHeadersFilter()).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("router", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("account of " + req.getServletPath());
                }
            }).addMapping("/");
        })) {
            assertThat(get(server, "/API/account").header("Cache-Control")).isEqualTo("no-store");
            assertThat(get(server, "/Api").header("Cache-Control")).isEqualTo("no-store");
            assertThat(get(server, "/apix").header("Cache-Control")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void keepsTheApplicationsOwnCacheControl(Container container) throws Exception {
        try (RunningServer server = start(container, Map.of(), false)) {
            RawHttp.Response r = get(server, "/api/cached");

            assertThat(r.headerValues("Cache-Control")).containsExactly("max-age=60");
            assertAlwaysPresent(r);
        }
    }

    /** Behind SafeErrorFilter the filter's values but the policy are defaults: the application's added value replaces them. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void keepsTheApplicationsOwnFieldsWhenItAddsThem(Container container) throws Exception {
        try (RunningServer server = start(container, Map.of(), false)) {
            RawHttp.Response r = get(server, "/api/added");

            assertThat(r.headerValues("Cache-Control")).containsExactly("max-age=60", "public");
            // Policies add up (browsers enforce both): the added one goes beside frame-ancestors 'none'.
            assertThat(r.headerValues("Content-Security-Policy"))
                    .containsExactly("frame-ancestors 'none'", "default-src 'self'; frame-ancestors 'self'");
            assertThat(r.headerValues("X-Frame-Options")).containsExactly("SAMEORIGIN");
            assertThat(r.headerValues("X-Content-Type-Options")).containsExactly("nosniff");
            assertThat(r.headerValues("Referrer-Policy")).containsExactly("no-referrer");
        }
    }

    /** On its own (no SafeErrorFilter wrapper in front) an added field is a second value, as documented. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void onItsOwnAnAddedFieldGoesBesideTheFiltersValue(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("securityHeaders", new SecurityHeadersFilter()).addMappingForUrlPatterns(null, true, "/*");
            ctx.addServlet("app", new App()).addMapping("/api/*");
        })) {
            RawHttp.Response r = get(server, "/api/added");

            assertThat(r.headerValues("Cache-Control")).containsExactly("no-store", "max-age=60", "public");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void problemResponsesCarryTheHeadersToo(Container container) throws Exception {
        try (RunningServer server = start(container, Map.of(), false)) {
            for (String path : new String[] {"/api/fail", "/api/missing"}) {
                RawHttp.Response r = get(server, path);

                assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                assertAlwaysPresent(r);
                assertThat(r.headerValues("Cache-Control")).containsExactly("no-store");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sendsHstsOnlyOnSecureRequests(Container container) throws Exception {
        try (RunningServer plain = start(container, Map.of(), false)) {
            assertThat(get(plain, "/page").header("Strict-Transport-Security")).isNull();
        }
        try (RunningServer secure = start(container, Map.of(), true)) {
            assertThat(get(secure, "/page").header("Strict-Transport-Security"))
                    .isEqualTo("max-age=31536000; includeSubDomains");
        }
        try (RunningServer tuned = start(container,
                Map.of("hstsMaxAge", "600", "hstsIncludeSubDomains", "false", "noStorePaths", "/"), true)) {
            RawHttp.Response r = get(tuned, "/page");

            assertThat(r.header("Strict-Transport-Security")).isEqualTo("max-age=600");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failsInitOnAnUnknownInitParamOrABadValue(Container container) {
        try (LogCapture logs = LogCapture.of(SecurityHeadersFilter.class)) {
            assertThatThrownBy(() -> start(container, Map.of("hstsMaxAgeSeconds", "1"), false))
                    .isInstanceOf(Container.ContextFailedException.class);
            assertThatThrownBy(() -> start(container, Map.of("hstsMaxAge", "-1"), false))
                    .isInstanceOf(Container.ContextFailedException.class);
            assertThat(logs.text()).contains("hstsMaxAgeSeconds", "Invalid value for hstsMaxAge: \"-1\"");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sendsHstsBehindATlsTerminatingProxyOnlyWhenItSaysHttps(Container container) throws Exception {
        try (RunningServer server = container.startBehindProxy(
                ctx -> register(ctx, Map.of("hstsMaxAge", "600"), false))) {
            RawHttp.Response viaTls = RawHttp.exchange(server.port(),
                    "GET /page HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n");
            RawHttp.Response plain = get(server, "/page");

            assertThat(viaTls.status()).isEqualTo(200);
            assertThat(viaTls.header("Strict-Transport-Security")).isEqualTo("max-age=600; includeSubDomains");
            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.header("Strict-Transport-Security")).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void programmaticConfigAppliesItsNoStorePaths(Container container) throws Exception {
        SecurityHeadersFilter.Config config = SecurityHeadersFilter.Config.builder()
                .noStorePaths("/private/", "/account")
                .hstsMaxAge(60)
                .build();
        try (RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic f = ctx.addFilter("h", new SecurityHeadersFilter(config));
            f.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("app", new App()).addMapping("/");
        })) {
            assertThat(get(server, "/private/x").header("Cache-Control")).isEqualTo("no-store");
            assertThat(get(server, "/account").header("Cache-Control")).isEqualTo("no-store");
            assertThat(get(server, "/api/x").header("Cache-Control")).isNull();
        }
    }

    @Test
    void parsesSettingsStrictlyNamingKeyAndValue() {
        var params = SecurityHeadersFilter.INIT_PARAMS;

        assertThat(SecurityHeadersFilter.Config.fromSettings(Settings.from("h", Map.of(), params, null)))
                .isEqualTo(SecurityHeadersFilter.Config.defaults());
        assertThat(SecurityHeadersFilter.Config.fromSettings(
                Settings.from("h", Map.of("noStorePaths", ""), params, null)).noStorePaths()).isEmpty();
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.fromSettings(
                Settings.from("h", Map.of("hstsMaxAge", "a year"), params, null)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("hstsMaxAge").hasMessageContaining("a year");
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.fromSettings(
                Settings.from("h", Map.of("noStorePaths", "/api/, api2"), params, null)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("noStorePaths").hasMessageContaining("api2");
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.fromSettings(
                Settings.from("h", Map.of("hstsIncludeSubDomains", "maybe"), params, null)))
                .hasMessageContaining("hstsIncludeSubDomains").hasMessageContaining("maybe");
        assertThatThrownBy(() -> SecurityHeadersFilter.Config.builder().hstsMaxAge(-5).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("hstsMaxAge");
    }

    @Test
    void matchesPrefixesAcrossServletPathAndPathInfo() {
        assertThat(SecurityHeadersFilter.startsWith("/api", "/x", "/api/")).isTrue();
        assertThat(SecurityHeadersFilter.startsWith("/api", null, "/api/")).isTrue();
        assertThat(SecurityHeadersFilter.startsWith("/api/x", null, "/api/")).isTrue();
        assertThat(SecurityHeadersFilter.startsWith("", "/api/x", "/api/")).isTrue();
        assertThat(SecurityHeadersFilter.startsWith("/a", "pi/x", "/api/")).isTrue();
        assertThat(SecurityHeadersFilter.startsWith("/apix", null, "/api/")).isFalse();
        assertThat(SecurityHeadersFilter.startsWith("/ap", null, "/api/")).isFalse();
        assertThat(SecurityHeadersFilter.startsWith("/other", "/api/x", "/api/")).isFalse();
        assertThat(SecurityHeadersFilter.startsWith("", null, "/")).isTrue();
        assertThat(SecurityHeadersFilter.startsWith("/anything", null, "/")).isTrue();
    }
}
