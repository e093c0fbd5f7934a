package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The application's own dispatches are held to the access rules of the path they go to, as a
 * client's request there would be: an alias forwarding {@code /legacy/*} to {@code /api/*}, a page
 * including the fragment its query names, an async dispatch to another path. Before, the API-key
 * filter decided on the request alone, and any valid key (or none, from a public page) reached a
 * manager-only route through them.
 */
class DispatchAuthorizationTest {
    private static final String MANAGER = "manager-token-0123456789";
    private static final String SYSTEM = "system-token-0123456789A";
    private static final String UNKNOWN = "unknown-token-0123456789";
    private static final String PROBLEM = "\"status\":";

    private static final ApiKeyAuthFilter.Config AUTH = ApiKeyAuthFilter.Config.builder()
            .key(MANAGER, "ops", "manager")
            .key(SYSTEM, "sys", "system")
            .rules("/health=public; /public/*=public; /open/*=public; /view=public; /meta-view=public; /public-report=public;"
                    + " /near-view=public; /lower-view=public;"
                    + " /api/admin/*=manager; /WEB-INF/secret/*=manager")
            .build();

    /** Says who the request is, as the route sees it: the team, the role, the principal's attribute. */
    static final class Who extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("who=" + req.getRemoteUser() + ",manager=" + req.isUserInRole("manager") + ",attr="
                    + (req.getAttribute(ApiKeyPrincipal.ATTRIBUTE) instanceof ApiKeyPrincipal p ? p.team() : null));
        }
    }

    static final class Text extends HttpServlet {
        private final String text;

        Text(String text) {
            this.text = text;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write(text);
        }
    }

    /** Serves {@code /alias/x} as {@code <target>/x}, or as {@code target} itself when it has no path info. */
    static final class Forward extends HttpServlet {
        private final String target;

        Forward(String target) {
            this.target = target;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String to = req.getPathInfo() == null ? target : target + req.getPathInfo();
            req.getRequestDispatcher(to).forward(req, resp);
        }
    }

    /** A page that includes the fragment its query names. */
    static final class Page extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            resp.getWriter().write("[page]");
            req.getRequestDispatcher("/api/" + req.getParameter("widget")).include(req, resp);
        }
    }

    /**
     * A page that includes the path its query names ({@code /to-admin} by default). (Nothing is
     * written after it: a forward made inside the include closes the response, and Jetty then
     * refuses the page's writer.)
     */
    static final class PageAround extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            resp.getWriter().write("[page]");
            String to = req.getParameter("to");
            req.getRequestDispatcher(to == null ? "/to-admin" : to).include(req, resp);
        }
    }

    /** Goes on asynchronously at {@code /api} + its path info. */
    static final class AsyncHop extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.dispatch("/api" + req.getPathInfo());
        }
    }

    /** Writes and commits a first piece, then goes on asynchronously at {@code /api} + its path info. */
    static final class CommitThenAsyncHop extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("[committed]");
            resp.flushBuffer();
            req.startAsync().dispatch("/api" + req.getPathInfo());
        }
    }

    private static void servlets(ServletContext ctx) {
        ctx.addServlet("api", new Who()).addMapping("/api/*");
        ctx.addServlet("legacy", new Forward("/api")).addMapping("/legacy/*");
        ctx.addServlet("public", new Forward("/api")).addMapping("/public/*");
        ctx.addServlet("page", new Page()).addMapping("/page", "/open/page");
        ctx.addServlet("pageWithAlias", new PageAround()).addMapping("/page-with-alias");
        ctx.addServlet("toAdmin", new Forward("/api/admin/keys")).addMapping("/to-admin");
        ctx.addServlet("toDebug", new Forward("/api/debug/trace")).addMapping("/to-debug");
        ServletRegistration.Dynamic async = ctx.addServlet("async", new AsyncHop());
        async.addMapping("/async/*");
        async.setAsyncSupported(true);
        ServletRegistration.Dynamic committing = ctx.addServlet("committing", new CommitThenAsyncHop());
        committing.addMapping("/commit-then-async/*");
        committing.setAsyncSupported(true);
        ctx.addServlet("view", new Forward("/WEB-INF/view")).addMapping("/view");
        ctx.addServlet("secretView", new Forward("/WEB-INF/secret/view")).addMapping("/secret-view");
        ctx.addServlet("metaView", new Forward("/META-INF/view")).addMapping("/meta-view");
        ctx.addServlet("nearView", new Forward("/WEB-INFO/view")).addMapping("/near-view");
        ctx.addServlet("lowerView", new Forward("/web-inf/view")).addMapping("/lower-view");
        ctx.addServlet("privateView", new Text("view")).addMapping("/WEB-INF/view", "/WEB-INF/secret/view",
                "/META-INF/view", "/WEB-INFO/view", "/web-inf/view");
        ctx.addServlet("internal", new Forward("/internal-report")).addMapping("/public-report");
        ctx.addServlet("report", new Text("report")).addMapping("/internal-report");
        ctx.addServlet("health", new Text("up")).addMapping("/health");
        ctx.addServlet("openHealth", new Forward("/health")).addMapping("/open/health");
    }

    private static void chainedApp(ServletContext ctx) {
        Hardening.install(ctx, Hardening.builder().rateLimit(null).apiKeyAuth(AUTH)
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*").build())
                .build());
        servlets(ctx);
    }

    private static RawHttp.Response get(RunningServer server, String target, String token) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
    }

    private static void assertRefused(RawHttp.Response response, int status, String challenge, String what) {
        assertThat(response.status()).as(what).isEqualTo(status);
        assertThat(response.header("WWW-Authenticate")).as(what).isEqualTo(challenge);
        assertThat(response.header("Content-Type")).as(what).startsWith(ProblemResponse.CONTENT_TYPE);
        assertThat(response.body()).as(what).contains("\"status\":" + status).doesNotContain("who=");
    }

    private static final String INSUFFICIENT = "Bearer realm=\"palisade\", error=\"insufficient_scope\"";
    private static final String NO_TOKEN = "Bearer realm=\"palisade\"";

    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardIsHeldToTheRulesOfItsTarget(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            for (String aliased : List.of("/legacy/admin/keys", "/legacy/admin", "/legacy/ADMIN/keys", "/legacy/admin/")) {
                assertRefused(get(server, aliased, SYSTEM), 403, INSUFFICIENT, aliased);
                assertThat(get(server, aliased, MANAGER).body()).as(aliased).isEqualTo("who=ops,manager=true,attr=ops");
            }
            assertThat(get(server, "/legacy/events", SYSTEM).body()).isEqualTo("who=sys,manager=false,attr=sys");
            assertRefused(get(server, "/legacy/admin/keys", null), 401, NO_TOKEN, "the request's own rule");
        }
    }

    /**
     * A public path's request is anonymous, whatever key it sent: the key is not read at its
     * dispatches either (a public path may be unthrottled, and must not be a way to try keys).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aPublicPathsRequestIsAnonymousInItsDispatches(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            for (String token : new String[] {null, UNKNOWN, SYSTEM, MANAGER}) {
                String what = token == null ? "no key" : token;
                assertRefused(get(server, "/public/admin/keys", token), 401, NO_TOKEN, what);
                assertRefused(get(server, "/public/events", token), 401, NO_TOKEN, what + ", the default rule");
                assertRefused(get(server, "/public-report", token), 401, NO_TOKEN, what + ", a path no rule names");
                assertThat(get(server, "/open/health", token).body()).as(what + ", a public target").isEqualTo("up");
            }
        }
    }

    /**
     * In the chain's order, as for requests: without a key, a forward to a dev-only path is refused
     * as a forward to any other protected path is, so the two cannot be told apart; with one, it is
     * answered as a forward to an unknown path.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardMeetsTheRulesBeforeTheEnvironmentGate(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            assertRefused(get(server, "/public/debug/trace", null), 401, NO_TOKEN, "dev-only, no key");
            assertRefused(get(server, "/public/events", null), 401, NO_TOKEN, "not dev-only, no key");
            RawHttp.Response hidden = get(server, "/legacy/debug/trace", SYSTEM);
            assertThat(hidden.status()).isEqualTo(404);
            assertThat(hidden.body()).contains("\"status\":404").doesNotContain("who=");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anIncludeTheRulesOfItsTargetRefuseAddsNothing(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            assertThat(get(server, "/page?widget=admin/keys", SYSTEM).body()).isEqualTo("[page]");
            assertThat(get(server, "/page?widget=ADMIN/keys", SYSTEM).body()).isEqualTo("[page]");
            assertThat(get(server, "/page?widget=admin/keys", MANAGER).body()).isEqualTo("[page]who=ops,manager=true,attr=ops");
            assertThat(get(server, "/page?widget=events", SYSTEM).body()).isEqualTo("[page]who=sys,manager=false,attr=sys");
            for (String token : new String[] {null, UNKNOWN, SYSTEM}) {
                RawHttp.Response open = get(server, "/open/page?widget=events", token);
                assertThat(open.status()).isEqualTo(200);
                assertThat(open.body()).as("a public page's include, anonymous").isEqualTo("[page]");
            }
        }
    }

    /**
     * A forward made inside an include cannot change the page's status: refused, it adds nothing
     * (as a forward to a dev-only path there does), rather than a 403 problem inside a 200 page.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRefusedForwardInsideAnIncludeAddsNothing(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            RawHttp.Response refused = get(server, "/page-with-alias", SYSTEM);
            assertThat(refused.status()).isEqualTo(200);
            assertThat(refused.body()).doesNotContain(PROBLEM).doesNotContain("who=");
            assertThat(String.valueOf(refused.header("Content-Type"))).doesNotContain("problem");
            assertThat(get(server, "/page-with-alias", MANAGER).body()).contains("who=ops,manager=true,attr=ops");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsyncDispatchIsHeldToTheRulesOfItsTarget(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            assertRefused(get(server, "/async/admin/keys", SYSTEM), 403, INSUFFICIENT, "async dispatch");
            assertThat(get(server, "/async/admin/keys", MANAGER).body()).isEqualTo("who=ops,manager=true,attr=ops");
            assertThat(get(server, "/async/events", SYSTEM).body()).isEqualTo("who=sys,manager=false,attr=sys");
        }
    }

    /**
     * Refused after the response was committed, an async dispatch can no longer be answered 403 (or
     * the environment gate's 404): the connection is broken, so that the client sees the response
     * cut short, not a whole one.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsyncDispatchRefusedAfterCommitBreaksTheConnection(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            RawHttp.Response allowed = RawHttp.exchange(server.port(), "GET /commit-then-async/admin/keys HTTP/1.1\r\n"
                    + "Host: x\r\nAuthorization: Bearer " + MANAGER + "\r\n\r\n");
            assertThat(allowed.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(allowed.body()).isEqualTo("[committed]who=ops,manager=true,attr=ops");
            // The allowed request's line may come late, inside the capture below: each line is told by its id.
            String id = "refused-after-commit-" + container.name().toLowerCase(java.util.Locale.ROOT);
            String refused;
            try (LogCapture log = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                    LogCapture access = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                    RawHttp http = RawHttp.connect(server.port())) {
                // readAll fails if the server keeps the connection open past its 10 s bound.
                refused = http.send("GET /commit-then-async/admin/keys HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                        + "\r\nAuthorization: Bearer " + SYSTEM + "\r\n\r\n").readAll();
                // Counted as a refusal; no server error, nor a container's WARN (Jetty logs what leaves the chain
                // before it aborts), which any client with a weaker key could cause at will.
                assertThat(log.events()).noneMatch(e -> e.getLevel() == Level.ERROR);
                assertThat(log.events()).filteredOn(e -> !e.getLoggerName().startsWith("dev.palisade."))
                        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
                // Logged with the status the client got (Jetty tells no listener of the aborted cycle).
                java.util.function.Supplier<List<String>> lines = () -> access.lines().stream()
                        .filter(line -> line.endsWith("requestId=" + id)).toList();
                await().atMost(Duration.ofSeconds(10)).until(() -> !lines.get().isEmpty());
                assertThat(lines.get()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                        .startsWith("INFO GET /commit-then-async/admin/keys status=200 ");
            }
            assertThat(refused).startsWith("HTTP/1.1 200").contains("[committed]").doesNotContain("who=")
                    .doesNotEndWith("0\r\n\r\n");
            String hidden;
            try (RawHttp http = RawHttp.connect(server.port())) {
                hidden = http.send("GET /commit-then-async/debug/trace HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + SYSTEM + "\r\n\r\n").readAll();
            }
            assertThat(hidden).as("the environment gate's refusal").startsWith("HTTP/1.1 200").contains("[committed]")
                    .doesNotContain("who=").doesNotEndWith("0\r\n\r\n");
        }
    }

    /** Views under /WEB-INF and /META-INF are not routes: only a rule naming them holds a forward there back. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardToAPrivateResourceIsHeldOnlyToRulesThatNameIt(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            assertThat(get(server, "/view", null).body()).isEqualTo("view");
            assertThat(get(server, "/meta-view", null).body()).isEqualTo("view");
            // Routes the container maps like any other, which only look like the private directories.
            assertRefused(get(server, "/near-view", null), 401, NO_TOKEN, "/WEB-INFO");
            assertRefused(get(server, "/lower-view", null), 401, NO_TOKEN, "/web-inf");
            assertRefused(get(server, "/secret-view", null), 401, NO_TOKEN, "the request's own rule");
            assertRefused(get(server, "/secret-view", SYSTEM), 403, INSUFFICIENT, "a rule naming the view");
            assertThat(get(server, "/secret-view", MANAGER).body()).isEqualTo("view");
        }
    }

    /**
     * A refused forward of a POST whose body the application did not read: the connection serves
     * the next request, not the left-over body as one.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRefusedForwardLeavesTheConnectionUsable(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp);
                RawHttp http = RawHttp.connect(server.port())) {
            RawHttp.Response refused = http.send("POST /legacy/admin/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + SYSTEM + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello").readResponse();
            assertRefused(refused, 403, INSUFFICIENT, "POST");
            if ("close".equalsIgnoreCase(refused.header("Connection"))) {
                assertThat(http.closedByServer()).isTrue();
                return;
            }
            RawHttp.Response next = http.send("GET /legacy/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + SYSTEM + "\r\nConnection: close\r\n\r\n").readResponse();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("who=sys,manager=false,attr=sys");
        }
    }

    /**
     * The chain as the docs' {@code web.xml} declares it, {@code apiKeys} and {@code envGate} mapped
     * for forwards and includes too: the same answers as {@link Hardening}'s guard gives.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theFiltersMappedForForwardsAndIncludesHoldThemAsTheChainDoes(Container container) throws Exception {
        EnumSet<DispatcherType> all = EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD,
                DispatcherType.INCLUDE);
        try (RunningServer server = container.start(ctx -> {
            jakarta.servlet.FilterRegistration.Dynamic safeErrors = ctx.addFilter("safeErrors", new SafeErrorFilter());
            safeErrors.setAsyncSupported(true);
            safeErrors.addMappingForUrlPatterns(all, false, "/*");
            safeErrors.addMappingForServletNames(EnumSet.of(DispatcherType.INCLUDE, DispatcherType.FORWARD), false, "*");
            jakarta.servlet.FilterRegistration.Dynamic apiKeys = ctx.addFilter("apiKeys", new ApiKeyAuthFilter(AUTH));
            apiKeys.setAsyncSupported(true);
            apiKeys.addMappingForUrlPatterns(all, false, "/*");
            jakarta.servlet.FilterRegistration.Dynamic envGate = ctx.addFilter("envGate", new EnvironmentGateFilter(
                    EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD).devOnlyPaths("/api/debug/*").build()));
            envGate.setAsyncSupported(true);
            envGate.addMappingForUrlPatterns(all, false, "/*");
            servlets(ctx);
        })) {
            assertRefused(get(server, "/legacy/admin/keys", SYSTEM), 403, INSUFFICIENT, "forward");
            assertRefused(get(server, "/async/admin/keys", SYSTEM), 403, INSUFFICIENT, "async dispatch");
            assertRefused(get(server, "/public/debug/trace", null), 401, NO_TOKEN, "forward, anonymous, dev-only");
            RawHttp.Response hidden = get(server, "/legacy/debug/trace", SYSTEM);
            assertThat(hidden.status()).as("forward, dev-only").isEqualTo(404);
            assertThat(hidden.body()).contains(PROBLEM).doesNotContain("who=");
            assertThat(get(server, "/page?widget=admin/keys", SYSTEM).body()).isEqualTo("[page]");
            assertThat(get(server, "/page?widget=debug/trace", SYSTEM).body()).as("include, dev-only").isEqualTo("[page]");
            for (String to : List.of("/to-admin", "/to-debug")) {
                RawHttp.Response page = get(server, "/page-with-alias?to=" + to, SYSTEM);
                assertThat(page.status()).as(to).isEqualTo(200);
                assertThat(page.body()).as(to).doesNotContain(PROBLEM).doesNotContain("who=");
            }
            assertThat(get(server, "/page?widget=events", SYSTEM).body()).isEqualTo("[page]who=sys,manager=false,attr=sys");
            assertThat(get(server, "/legacy/admin/keys", MANAGER).body()).isEqualTo("who=ops,manager=true,attr=ops");
        }
    }

    /** The environment gate on its own, mapped for forwards and includes as its javadoc says. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theGateOnItsOwnHidesForwardsAndIncludesMappedToIt(Container container) throws Exception {
        EnvironmentGateFilter gate = new EnvironmentGateFilter(
                EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD).devOnlyPaths("/api/debug/*").build());
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("envGate", gate).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST,
                    DispatcherType.FORWARD, DispatcherType.INCLUDE), false, "/*");
            servlets(ctx);
        })) {
            RawHttp.Response forward = get(server, "/legacy/debug/trace", null);
            assertThat(forward.status()).isEqualTo(404);
            assertThat(forward.body()).contains(PROBLEM).doesNotContain("who=");
            assertThat(get(server, "/page?widget=debug/trace", null).body()).isEqualTo("[page]");
            RawHttp.Response page = get(server, "/page-with-alias?to=/to-debug", null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).doesNotContain(PROBLEM).doesNotContain("who=");
            assertThat(gate.blockedCount()).isEqualTo(3);
            assertThat(get(server, "/page?widget=events", null).body()).isEqualTo("[page]who=null,manager=false,attr=null");
        }
    }

    /** On its own, mapped for forwards too as its javadoc says, the filter holds them to the rules and counts the refusals. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theFilterOnItsOwnHoldsForwardsMappedToIt(Container container) throws Exception {
        ApiKeyAuthFilter filter = new ApiKeyAuthFilter(AUTH);
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("auth", filter).addMappingForUrlPatterns(
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE), false, "/*");
            servlets(ctx);
        })) {
            RawHttp.Response refused = get(server, "/legacy/admin/keys", SYSTEM);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.header("WWW-Authenticate")).isEqualTo(INSUFFICIENT);
            assertThat(filter.forbiddenCount()).isEqualTo(1);
            assertThat(get(server, "/page?widget=admin/keys", SYSTEM).body()).isEqualTo("[page]");
            assertThat(filter.forbiddenCount()).isEqualTo(2);
            assertThat(get(server, "/public/admin/keys", MANAGER).status()).isEqualTo(401);
            assertThat(filter.unauthorizedCount()).isEqualTo(1);
            // Without SafeErrorFilter: the filter itself notes the include that a forward is made in.
            RawHttp.Response page = get(server, "/page-with-alias", SYSTEM);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).doesNotContain(PROBLEM).doesNotContain("who=");
            assertThat(filter.forbiddenCount()).isEqualTo(3);
            assertThat(get(server, "/legacy/admin/keys", MANAGER).body()).isEqualTo("who=ops,manager=true,attr=ops");
        }
    }
}
