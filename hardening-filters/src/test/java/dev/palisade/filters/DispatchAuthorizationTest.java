package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
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

    private static final ApiKeyAuthFilter.Config AUTH = ApiKeyAuthFilter.Config.builder()
            .key(MANAGER, "ops", "manager")
            .key(SYSTEM, "sys", "system")
            .rules("/health=public; /public/*=public; /open/*=public; /view=public; /secret-view=public; /meta-view=public;"
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

    /** Goes on asynchronously at {@code /api} + its path info. */
    static final class AsyncHop extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.dispatch("/api" + req.getPathInfo());
        }
    }

    private static void servlets(ServletContext ctx) {
        ctx.addServlet("api", new Who()).addMapping("/api/*");
        ctx.addServlet("legacy", new Forward("/api")).addMapping("/legacy/*");
        ctx.addServlet("public", new Forward("/api")).addMapping("/public/*");
        ctx.addServlet("page", new Page()).addMapping("/page", "/open/page");
        ServletRegistration.Dynamic async = ctx.addServlet("async", new AsyncHop());
        async.addMapping("/async/*");
        async.setAsyncSupported(true);
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
        Hardening.install(ctx, Hardening.builder().apiKeyAuth(AUTH)
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
    private static final String INVALID = "Bearer realm=\"palisade\", error=\"invalid_token\"";

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

    /** A public path's request was let in without reading its key; the forward's target needs it. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardFromAPublicPathAuthenticatesTheKeyItsTargetNeeds(Container container) throws Exception {
        try (RunningServer server = container.start(DispatchAuthorizationTest::chainedApp)) {
            assertRefused(get(server, "/public/admin/keys", null), 401, NO_TOKEN, "no key");
            assertRefused(get(server, "/public/admin/keys", UNKNOWN), 401, INVALID, "unknown key");
            assertRefused(get(server, "/public/admin/keys", SYSTEM), 403, INSUFFICIENT, "no manager role");
            assertThat(get(server, "/public/admin/keys", MANAGER).body()).isEqualTo("who=ops,manager=true,attr=ops");
            assertRefused(get(server, "/public/events", null), 401, NO_TOKEN, "the default rule");
            assertThat(get(server, "/public/events", SYSTEM).body()).isEqualTo("who=sys,manager=false,attr=sys");
            assertRefused(get(server, "/public-report", null), 401, NO_TOKEN, "a path no rule names");
            assertThat(get(server, "/public-report", SYSTEM).body()).isEqualTo("report");
            assertThat(get(server, "/open/health", null).body()).as("a public target").isEqualTo("up");
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
            RawHttp.Response hidden = get(server, "/public/debug/trace", SYSTEM);
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
            RawHttp.Response open = get(server, "/open/page?widget=events", null);
            assertThat(open.status()).isEqualTo(200);
            assertThat(open.body()).isEqualTo("[page]");
            assertThat(get(server, "/open/page?widget=events", SYSTEM).body()).isEqualTo("[page]who=sys,manager=false,attr=sys");
            assertThat(get(server, "/open/page?widget=events", UNKNOWN).body()).isEqualTo("[page]");
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
            assertThat(get(server, "/lower-view", SYSTEM).body()).isEqualTo("view");
            assertRefused(get(server, "/secret-view", null), 401, NO_TOKEN, "a rule naming the view");
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
            assertThat(get(server, "/public/admin/keys", null).status()).isEqualTo(401);
            assertThat(filter.unauthorizedCount()).isEqualTo(1);
            assertThat(get(server, "/legacy/admin/keys", MANAGER).body()).isEqualTo("who=ops,manager=true,attr=ops");
        }
    }
}
