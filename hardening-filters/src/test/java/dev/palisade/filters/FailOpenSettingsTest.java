package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Settings written as the docs describe that started without a word and protected less than they
 * plainly meant (a review of configurations that fail open): a forward or include to a dev-only
 * path, path settings written with the context path, an allowlist of the root, a misspelled
 * method, a dev-only path with a query.
 */
class FailOpenSettingsTest {
    private static final String MANAGER = "manager-token-0123456789";
    private static final String SYSTEM = "system-token-0123456789A";

    /** The dev-only servlet. */
    static final class Debug extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("debug trace");
        }
    }

    static final class Ok extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("ok");
        }
    }

    /** The application's unknown path, as the docs ask: the container's 404, which the chain answers. */
    static final class NotFound extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.sendError(404);
        }
    }

    /** An alias kept after an API move: {@code /legacy/x} is served as {@code <target>/x}. */
    static final class Alias extends HttpServlet {
        private final String target;

        Alias(String target) {
            this.target = target;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            req.getRequestDispatcher(target + req.getPathInfo()).forward(req, resp);
        }
    }

    /** A page that includes the fragment named in its query. */
    static final class Page extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            resp.getWriter().write("[page]");
            req.getRequestDispatcher("/api/" + req.getParameter("widget")).include(req, resp);
        }
    }

    private static RawHttp.Response get(RunningServer server, String target, String token) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
    }

    private static RawHttp.Response post(RunningServer server, String target, String token) throws IOException {
        return RawHttp.exchange(server.port(), "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
    }

    private static List<String> warnings(LogCapture log) {
        return log.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getFormattedMessage()).toList();
    }

    private static void gatedApp(ServletContext ctx) {
        Hardening.install(ctx, Hardening.builder()
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*", "/api/qna").build())
                .build());
        ctx.addServlet("debug", new Debug()).addMapping("/api/debug/*", "/api/qna");
        ctx.addServlet("api", new Ok()).addMapping("/api/*");
        ctx.addServlet("legacy", new Alias("/api")).addMapping("/legacy/*");
        ctx.addServlet("gone", new Alias("/nowhere")).addMapping("/gone/*");
        ctx.addServlet("page", new Page()).addMapping("/page");
        ctx.addServlet("notFound", new NotFound()).addMapping("/");
    }

    /** The chain runs on requests and async dispatches only: its guard gates the application's forwards. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardToADevOnlyPathAnswersAsAForwardToAnUnknownPath(Container container) throws Exception {
        try (RunningServer server = container.start(FailOpenSettingsTest::gatedApp)) {
            RawHttp.Response unknown = get(server, "/gone/x", null);
            assertThat(unknown.status()).isEqualTo(404);
            for (String aliased : List.of("/legacy/debug/trace", "/legacy/qna", "/legacy/QNA", "/legacy/debug")) {
                RawHttp.Response hidden = get(server, aliased, null);
                assertThat(hidden.status()).as(aliased).isEqualTo(404);
                assertThat(hidden.header("Content-Type")).as(aliased).isEqualTo(unknown.header("Content-Type"));
                assertThat(hidden.body().replaceAll("\"requestId\":\"[^\"]*\"", ""))
                        .as(aliased).isEqualTo(unknown.body().replaceAll("\"requestId\":\"[^\"]*\"", ""));
            }
            assertThat(get(server, "/legacy/other", null).body()).isEqualTo("ok");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anIncludeOfADevOnlyPathAddsNothingAsAnIncludeOfAnUnknownPath(Container container) throws Exception {
        try (RunningServer server = container.start(FailOpenSettingsTest::gatedApp)) {
            assertThat(get(server, "/page?widget=../nowhere", null).body()).isEqualTo("[page]");
            assertThat(get(server, "/page?widget=debug/trace", null).body()).isEqualTo("[page]");
            assertThat(get(server, "/page?widget=qna", null).body()).isEqualTo("[page]");
            assertThat(get(server, "/page?widget=other", null).body()).isEqualTo("[page]ok");
        }
    }

    /**
     * A filter mapped ahead of the chain that includes what its request names: the include is not
     * below the chain's response, and a dev-only path still adds nothing to the page.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anIncludeMadeAheadOfTheChainAddsNothingOfADevOnlyPath(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("early", (jakarta.servlet.Filter) (req, resp, chain) -> {
                resp.getWriter().write("[early]");
                req.getRequestDispatcher(req.getParameter("to")).include(req, resp);
            }).addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), false, "/early/*");
            gatedApp(ctx);
        })) {
            assertThat(get(server, "/early/x?to=/nowhere", null).body()).isEqualTo("[early]");
            assertThat(get(server, "/early/x?to=/api/qna", null).body()).isEqualTo("[early]");
            assertThat(get(server, "/early/x?to=/api/other", null).body()).isEqualTo("[early]ok");
        }
    }

    /** Path settings are relative to the context: one written with the context path matches nothing, and now says so. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void pathSettingsWrittenWithTheContextPathAreWarnedAtStart(Container container) throws Exception {
        try (LogCapture log = LogCapture.of("dev.palisade.filters");
                RunningServer server = container.startAt("/myapp", ctx -> {
                    Hardening.install(ctx, Hardening.builder()
                            .rateLimit(RateLimitFilter.Config.builder().paths("POST /myapp/api/send-message")
                                    .allowlist("/MyApp/health").build())
                            .sizeLimit(RequestSizeLimitFilter.Config.builder().pathLimit("/myapp/api/uploads", 10).build())
                            .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(MANAGER, "acme", "manager")
                                    .rule(null, "/myapp/api/admin/*", "manager").build())
                            .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                                    .devOnlyPaths("/myapp/api/debug/*", "/myappendix").build())
                            .build());
                    ctx.addServlet("api", new Ok()).addMapping("/api/*");
                })) {
            assertThat(get(server, "/myapp/api/x", MANAGER).status()).isEqualTo(200);
            List<String> warned = warnings(log);
            assertThat(warned).anyMatch(w -> w.contains("paths entry POST /myapp/api/send-message starts with the "
                    + "context path /myapp") && w.contains("matches only /myapp/myapp/api/send-message"));
            assertThat(warned).anyMatch(w -> w.contains("allowlist entry /MyApp/health starts with the context path"));
            assertThat(warned).anyMatch(w -> w.contains("pathLimits entry /myapp/api/uploads starts with"));
            assertThat(warned).anyMatch(w -> w.contains("rules entry /myapp/api/admin/* starts with"));
            assertThat(warned).anyMatch(w -> w.contains("devOnlyPaths entry /myapp/api/debug/* starts with"));
            assertThat(warned).noneMatch(w -> w.contains("/myappendix"));
        }
    }

    @Test
    void settingsInTheRootContextAreNotWarnedAbout() throws Exception {
        try (LogCapture log = LogCapture.of("dev.palisade.filters");
                RunningServer server = Container.JETTY.start(ctx -> {
                    Hardening.install(ctx, Hardening.builder()
                            .rateLimit(RateLimitFilter.Config.builder().paths("POST /api/send-message").build())
                            .build());
                    ctx.addServlet("api", new Ok()).addMapping("/api/*");
                })) {
            assertThat(get(server, "/api/x", null).status()).isEqualTo(200);
            assertThat(warnings(log)).noneMatch(w -> w.contains("context path"));
        }
    }

    /** An allowlist is of prefixes: "/" (meaning the landing page) or "/*" spared every path. */
    @Test
    void anAllowlistOfTheRootIsRefused() {
        for (String root : List.of("/", "/*", " / ")) {
            Map<String, String> env = Map.of("RATE_LIMIT_ALLOWLIST", "/health," + root);
            assertThatThrownBy(() -> Hardening.fromEnvironment(env::get).build())
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageContaining("RATE_LIMIT_ALLOWLIST").hasMessageContaining("limit nothing");
            assertThatThrownBy(() -> RateLimitFilter.Config.builder().allowlist(root).build())
                    .isInstanceOf(InvalidSettingException.class).hasMessageContaining("allowlist");
        }
    }

    /** {@code PSOT} is a legal extension method, so not refused; but a typo limited, or protected, nothing. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aMethodNoClientSendsIsWarnedAtStart(Container container) throws Exception {
        try (LogCapture log = LogCapture.of("dev.palisade.filters");
                RunningServer server = container.start(ctx -> {
                    Hardening.install(ctx, Hardening.builder()
                            .rateLimit(RateLimitFilter.Config.builder().rps(0.001).burst(1)
                                    .paths("PSOT /api/send-message", "PATCH /api/x", "PROPFIND /dav/*").build())
                            .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(MANAGER, "acme", "manager")
                                    .rule("PSOT", "/api/admin", "manager").rule("QUERY", "/api/q", "manager").build())
                            .build());
                    ctx.addServlet("api", new Ok()).addMapping("/api/*");
                })) {
            assertThat(post(server, "/api/send-message", MANAGER).status()).isEqualTo(200);
            List<String> warned = warnings(log);
            assertThat(warned).anyMatch(w -> w.contains("paths entry PSOT /api/send-message names the method PSOT"));
            assertThat(warned).anyMatch(w -> w.contains("rules entry PSOT /api/admin names the method PSOT"));
            assertThat(warned).noneMatch(w -> w.contains("PATCH") || w.contains("PROPFIND") || w.contains("QUERY"));
        }
    }

    /** Every method of the IANA registry is one a client may send: no warning (CalDAV's MKCALENDAR, say). */
    @Test
    void registeredMethodsAreNotWarnedAbout() {
        try (LogCapture log = LogCapture.of("dev.palisade.filters.test")) {
            PathSettingChecks.warnUnknownMethods(org.slf4j.LoggerFactory.getLogger("dev.palisade.filters.test"), "rl",
                    "paths", List.of("MKCALENDAR /dav/*", "ACL /dav/*", "BIND /dav/*", "UPDATEREDIRECTREF /x", "PURGE /c/*"));
            List<String> warned = warnings(log);
            assertThat(warned).hasSize(1);
            assertThat(warned.get(0)).contains("PURGE");
        }
    }

    /** The gate refused * ; , % \ but took ? and #, which no decoded path holds. */
    @Test
    void aDevOnlyPathWithAQueryOrFragmentIsRefused() {
        for (String path : List.of("/api/qna?debug=1", "/api/qna#x", "/api/debug?/*")) {
            assertThatThrownBy(() -> EnvironmentGateFilter.Config.builder().devOnlyPaths(path).build())
                    .isInstanceOf(InvalidSettingException.class).hasMessageContaining("devOnlyPaths");
        }
    }
}
