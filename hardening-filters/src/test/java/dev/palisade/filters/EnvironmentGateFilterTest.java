package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.Environment.Mode;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentGateFilterTest {
    private static final String DEV_BODY = "dev endpoint";

    /** Requests that try to reach /api/debug/* or /api/qna past a path check. */
    private static final List<String> BYPASS_ATTEMPTS = List.of(
            "/api/debug/x", "/api/debug", "/api/debug/", "/api/qna",
            "/api//debug/x", "//api/debug/x", "/api/./debug/x", "/./api/qna", "/api/x/../debug/x",
            "/API/debug/x", "/api/Debug/x", "/api/QNA", "/api/qna/",
            "/api/debug;jsessionid=1/x", "/api;x=1/debug/x", "/api/qna;jsessionid=abc",
            "/api/%64ebug/x", "/api/qn%61", "/api/debug%2Fx", "/api%2Fdebug/x", "/api/%2e/debug/x",
            "/api/debug/%2e%2e/qna", "/api/qna/.", "/api/qna/..;/qna", "/api/debug/..;/x", "/api\\debug\\x",
            "/api/debug/x?a=1");

    @ParameterizedTest
    @EnumSource(Container.class)
    void prodAnswersADevOnlyPathExactlyAsAnUnknownPath(Container container) throws Exception {
        AtomicInteger devCalls = new AtomicInteger();
        EnvironmentGateFilter gate = new EnvironmentGateFilter(config(Mode.PROD));
        try (RunningServer server = start(container, gate, devCalls)) {
            RawHttp.Response hidden = get(server, "/api/debug/trace");
            RawHttp.Response unknown = get(server, "/no/such/path");

            assertThat(devCalls).hasValue(0);
            assertThat(gate.blockedCount()).as("counted for metrics: the hidden path, not the unknown one").isEqualTo(1);
            assertThat(hidden.status()).isEqualTo(404).isEqualTo(unknown.status());
            assertThat(hidden.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE)
                    .isEqualTo(unknown.header("Content-Type"));
            assertThat(hidden.body()).isEqualTo(unknown.body()).isEqualTo(ProblemResponse.json(404,
                    "Not Found", "No resource exists at this path.", "probe-1"));
            assertThat(headerNames(hidden)).isEqualTo(headerNames(unknown));
            assertThat(hidden.header("X-Request-Id")).isEqualTo("probe-1");
            assertThat(hidden.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void devPassesDevOnlyPathsThrough(Container container) throws Exception {
        AtomicInteger devCalls = new AtomicInteger();
        try (RunningServer server = start(container, new EnvironmentGateFilter(config(Mode.DEV)), devCalls)) {
            RawHttp.Response r = get(server, "/api/debug/trace");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(DEV_BODY);
            assertThat(devCalls).hasValue(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void prodBlocksEveryPathTheContainerWouldRouteToADevServlet(Container container) throws Exception {
        // First learn, with the gate open, which spellings this container routes to the dev servlet.
        Set<String> routedToDev = new TreeSet<>();
        AtomicInteger devCalls = new AtomicInteger();
        try (RunningServer open = start(container, new EnvironmentGateFilter(config(Mode.DEV)), devCalls)) {
            for (String attempt : BYPASS_ATTEMPTS) {
                if (get(open, attempt).body().equals(DEV_BODY)) {
                    routedToDev.add(attempt);
                }
            }
        }
        assertThat(routedToDev).contains("/api/debug/x", "/api/debug", "/api/./debug/x", "/api/x/../debug/x",
                "/api/debug;jsessionid=1/x", "/api;x=1/debug/x", "/api/%64ebug/x", "/api/qn%61");
        if (container == Container.TOMCAT) {
            // Tomcat merges slashes and decodes %2e before mapping; Jetty answers those with 400.
            assertThat(routedToDev).contains("/api//debug/x", "/api/%2e/debug/x", "/api/qna/.", "/api/qna/..;/qna");
        }

        devCalls.set(0);
        try (RunningServer gated = start(container, new EnvironmentGateFilter(config(Mode.PROD)), devCalls)) {
            RawHttp.Response unknown = get(gated, "/no/such/path");
            List<String> leaks = new ArrayList<>();
            for (String attempt : BYPASS_ATTEMPTS) {
                RawHttp.Response r = get(gated, attempt);
                boolean container400 = r.status() == 400 && !routedToDev.contains(attempt);
                if (!container400 && !(r.status() == 404 && r.body().equals(unknown.body()))) {
                    leaks.add(attempt + " -> " + r.status() + " " + r.body());
                }
            }
            assertThat(leaks).isEmpty();
            assertThat(devCalls).hasValue(0);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void readsDevOnlyPathsFromInitParamAndModeFromEnv(Container container) throws Exception {
        AtomicInteger devCalls = new AtomicInteger();
        Filter prod = new EnvironmentGateFilter(Map.of("ENV", "production")::get);
        try (RunningServer server = start(container, prod, devCalls,
                reg -> reg.setInitParameter("devOnlyPaths", " /api/qna , /api/debug/* "))) {
            assertThat(get(server, "/api/qna").status()).isEqualTo(404);
            assertThat(get(server, "/api/debug/x").status()).isEqualTo(404);
            assertThat(devCalls).hasValue(0);
        }
        Filter dev = new EnvironmentGateFilter(Map.of("ENV", "Development")::get);
        try (RunningServer server = start(container, dev, devCalls,
                reg -> reg.setInitParameter("devOnlyPaths", "/api/qna"))) {
            assertThat(get(server, "/api/qna").status()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failsToStartOnAnUnknownInitParamOrABadPath(Container container) {
        try (LogCapture logs = LogCapture.of(EnvironmentGateFilter.class)) {
            Filter typo = new EnvironmentGateFilter(name -> null);
            assertThatThrownBy(() -> start(container, typo, new AtomicInteger(),
                    reg -> reg.setInitParameter("devOnlyPath", "/api/qna")).close())
                    .isInstanceOf(Container.ContextFailedException.class);
            assertThat(logs.lines()).containsExactly("ERROR Unknown init-param for gate: \"devOnlyPath\"");
        }
        try (LogCapture logs = LogCapture.of(EnvironmentGateFilter.class)) {
            Filter bad = new EnvironmentGateFilter(name -> null);
            assertThatThrownBy(() -> start(container, bad, new AtomicInteger(),
                    reg -> reg.setInitParameter("devOnlyPaths", "/api/debug/*, api/qna")).close())
                    .isInstanceOf(Container.ContextFailedException.class);
            assertThat(logs.lines()).singleElement().asString()
                    .startsWith("ERROR Invalid value for devOnlyPaths: \"api/qna\" (expected ");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"api/qna", "/api/*/x", "/api//x", "/api/./x", "/api/../x", "/api;x", "/api/%2e", "/api\\x",
        "/api/x*", "/api /x", "/d\u00e9bug", "/\u0130nfo"})
    void rejectsBadPathPatternsNamingKeyAndValue(String pattern) {
        assertThatThrownBy(() -> EnvironmentGateFilter.Config.builder().devOnlyPaths(pattern).build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("devOnlyPaths")
                .hasMessageContaining("\"" + pattern + "\"");
    }

    @Test
    void matchesPrefixesExactPathsAndNothingElse() {
        EnvironmentGateFilter.PathPatterns patterns =
                new EnvironmentGateFilter.PathPatterns(List.of("/api/debug/*", "/api/qna"));

        assertThat(patterns.matches("/api/debug")).isTrue();
        assertThat(patterns.matches("/api/debug/a/b")).isTrue();
        assertThat(patterns.matches("/API/QNA/")).isTrue();
        assertThat(patterns.matches("/api/debugger")).isFalse();
        assertThat(patterns.matches("/api/qna/sub")).isFalse();
        assertThat(patterns.matches("/api/qnax")).isFalse();
        assertThat(new EnvironmentGateFilter.PathPatterns(List.of("/*")).matches("/anything")).isTrue();
    }

    @Test
    void configDefaultsToProdWithNoPathsAndTakesAResolvedEnvironment() {
        EnvironmentGateFilter.Config defaults = EnvironmentGateFilter.Config.builder().build();
        assertThat(defaults.mode()).isEqualTo(Mode.PROD);
        assertThat(defaults.devOnlyPaths()).isEmpty();

        EnvironmentGateFilter.Config fromEnv = EnvironmentGateFilter.Config.builder()
                .environment(Environment.fromValue("local")).devOnlyPaths("/api/qna").build();
        assertThat(fromEnv.mode()).isEqualTo(Mode.DEV);
        assertThat(fromEnv.devOnlyPaths()).containsExactly("/api/qna");
    }

    private static EnvironmentGateFilter.Config config(Mode mode) {
        return EnvironmentGateFilter.Config.builder().mode(mode).devOnlyPaths("/api/debug/*", "/api/qna").build();
    }

    /**
     * A router behind one servlet that matches the raw request URI as it came, as some frameworks
     * do: {@code /api/debug/../x} is {@code /api/x} to the container and the debug route to it. The
     * gate must hide that spelling too.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void prodBlocksADevOnlyRouteReachedThroughTheRawUri(Container container) throws Exception {
        AtomicInteger devCalls = new AtomicInteger();
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("gate", new EnvironmentGateFilter(config(Mode.PROD))).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("router", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (req.getRequestURI().startsWith("/api/debug/")) {
                        devCalls.incrementAndGet();
                        resp.getWriter().write(DEV_BODY);
                    } else {
                        ProblemResponse.of(404).send(req, resp);
                    }
                }
            }).addMapping("/");
        })) {
            RawHttp.Response r = get(server, "/api/debug/../x");

            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).doesNotContain(DEV_BODY);
            assertThat(devCalls).hasValue(0);
            assertThat(get(server, "/api/x").status()).isEqualTo(404);
        }
    }

    /**
     * A URI that is not plain (an escape, a ;parameter, a dot segment) is decided by the slower
     * views (routed, raw, literal): in prod they must still let every path that is not dev-only
     * through, else a session id in the URL or an encoded space would answer 404 for ever.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void prodPassesEverySpellingOfAPathThatIsNotDevOnly(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("gate", new EnvironmentGateFilter(config(Mode.PROD))).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("public", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("public");
                }
            }).addMapping("/");
        })) {
            List<String> hidden = new ArrayList<>();
            for (String path : List.of("/api/other;jsessionid=1", "/api/%6fther", "/api/./other", "/api/x/../other",
                    "/api/debugger;x=1", "/api/qna%20x", "/api/qnax/.", "/files/a%20b.txt")) {
                RawHttp.Response r = get(server, path);
                if (r.status() != 200 || !r.body().equals("public")) {
                    hidden.add(path + " -> " + r.status());
                }
            }
            assertThat(hidden).isEmpty();
        }
    }

    private static RunningServer start(Container container, Filter gate, AtomicInteger devCalls) throws Exception {
        return start(container, gate, devCalls, reg -> { });
    }

    private static RunningServer start(Container container, Filter gate, AtomicInteger devCalls,
            Consumer<FilterRegistration.Dynamic> params) throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic reg = ctx.addFilter("gate", gate);
            params.accept(reg);
            reg.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("dev", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    devCalls.incrementAndGet();
                    resp.getWriter().write(DEV_BODY);
                }
            }).addMapping("/api/debug/*", "/api/qna");
            // The application's unknown-path answer, as the real chain registers it.
            ctx.addServlet("unknown", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    ProblemResponse.of(404).send(req, resp);
                }
            }).addMapping("/");
        });
    }

    private static RawHttp.Response get(RunningServer server, String target) throws IOException {
        return RawHttp.exchange(server.port(),
                "GET " + target + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: probe-1\r\nConnection: close\r\n\r\n");
    }

    private static Set<String> headerNames(RawHttp.Response r) {
        Set<String> names = new TreeSet<>();
        for (String[] h : r.headers()) {
            if (!h[0].equalsIgnoreCase("Date")) {
                names.add(h[0].toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
