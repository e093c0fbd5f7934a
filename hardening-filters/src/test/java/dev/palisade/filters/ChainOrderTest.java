package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where {@link Hardening}'s chain runs among an application's other filters, in a web application
 * with a {@code web.xml}, as docs/filters.md says: after every filter the descriptor declares and
 * every mapping added with {@code isMatchAfter=false} (whenever added), before the
 * {@code isMatchAfter=true} mappings added after {@code Hardening.install}. Infrastructure that must
 * see the request first (a RemoteIpFilter, CORS, decompression) goes in front.
 */
class ChainOrderTest {
    /** The filters and the servlet that ran, in order, each with whether the chain had run before it. */
    static final List<String> RAN = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path webApp;

    /** Notes its name, and whether the chain ran before it (the request id attribute is there). */
    public static class Noting implements Filter {
        private final String name;

        public Noting() {
            this("declared");
        }

        Noting(String name) {
            this.name = name;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            RAN.add(name + (req.getAttribute(RequestIds.ATTRIBUTE) != null ? " after the chain" : " before it"));
            chain.doFilter(req, res);
        }
    }

    /** Installs the chain from the descriptor's listener, with the application's filters around the call. */
    public static class Installer implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            ServletContext ctx = event.getServletContext();
            ctx.addFilter("earlyBefore", new Noting("earlyBefore")).addMappingForUrlPatterns(null, false, "/*");
            ctx.addFilter("earlyAfter", new Noting("earlyAfter")).addMappingForUrlPatterns(null, true, "/*");
            Hardening.install(ctx, Hardening.builder().build());
            ctx.addFilter("lateBefore", new Noting("lateBefore")).addMappingForUrlPatterns(null, false, "/*");
            ctx.addFilter("lateAfter", new Noting("lateAfter")).addMappingForUrlPatterns(null, true, "/*");
        }
    }

    /** As {@link Installer}, the chain's mapping matched before the others ({@code matchAfter(false)}). */
    public static class FirstInstaller implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            ServletContext ctx = event.getServletContext();
            ctx.addFilter("earlyBefore", new Noting("earlyBefore")).addMappingForUrlPatterns(null, false, "/*");
            // Where Tomcat's WebSocket initializer puts its filter, before a listener could install.
            ctx.addFilter("Tomcat WebSocket (JSR356) Filter", new Noting("earlyAfter")).addMappingForUrlPatterns(null, true, "/*");
            Hardening.install(ctx, Hardening.builder().matchAfter(false).build());
            ctx.addFilter("lateBefore", new Noting("lateBefore")).addMappingForUrlPatterns(null, false, "/*");
            ctx.addFilter("lateAfter", new Noting("lateAfter")).addMappingForUrlPatterns(null, true, "/*");
        }
    }

    /** Installs the chain mapped first, and nothing else. */
    public static class FirstOnlyInstaller implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            Hardening.install(event.getServletContext(), Hardening.builder().matchAfter(false).build());
        }
    }

    /** Installs the chain and nothing else, its rate limit telling what is left on every response. */
    public static class PlainInstaller implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            Hardening.install(event.getServletContext(), Hardening.builder()
                    .rateLimit(RateLimitFilter.Config.builder().rps(0.01).burst(10).quotaHeadersOnSuccess(true).build())
                    .build());
        }
    }

    /** The chain with a dev-only path, in prod. */
    public static class GatedInstaller implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            Hardening.install(event.getServletContext(), Hardening.builder()
                    .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                            .devOnlyPaths("/debug/*").build())
                    .build());
        }
    }

    /** Forwards to a dev-only path. */
    public static class ForwardsToDebug extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            req.getRequestDispatcher("/debug/x").forward(req, resp);
        }
    }

    /** Dispatches its async cycle, then fails in the ASYNC dispatch. */
    public static class FailsWhenDispatched extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) {
            if (req.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                req.startAsync().dispatch();
            } else {
                throw new IllegalStateException("secret-detail-from-async-dispatch");
            }
        }
    }

    public static class Ok extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RAN.add("servlet");
            resp.getWriter().write("ok");
        }
    }

    /** The descriptor's declaration of the chain's filter, without a class. */
    private static final String PALISADE_DECLARED =
            "<filter><filter-name>palisade</filter-name><async-supported>true</async-supported></filter>\n";

    /** Starts a web application whose descriptor has {@code listener} and the filters and servlets in {@code elements}. */
    private RunningServer startWebApp(Container container, Class<?> listener, String elements) throws Exception {
        Files.writeString(Files.createDirectories(webApp.resolve("WEB-INF")).resolve("web.xml"), String.format(Locale.ROOT, """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <listener><listener-class>%s</listener-class></listener>
                %s</web-app>
                """, listener.getName(), elements), StandardCharsets.UTF_8);
        RAN.clear();
        return container.startWebApp(webApp);
    }

    private static String filter(String name, Class<?> type) {
        return "<filter><filter-name>" + name + "</filter-name><filter-class>" + type.getName() + "</filter-class></filter>\n"
                + "<filter-mapping><filter-name>" + name + "</filter-name><url-pattern>/*</url-pattern></filter-mapping>\n";
    }

    private static String servlet(String name, Class<?> type, String pattern) {
        return "<servlet><servlet-name>" + name + "</servlet-name><servlet-class>" + type.getName() + "</servlet-class>"
                + "<async-supported>true</async-supported></servlet>\n"
                + "<servlet-mapping><servlet-name>" + name + "</servlet-name><url-pattern>" + pattern + "</url-pattern></servlet-mapping>\n";
    }

    private static String palisadeMapping(String... dispatchers) {
        StringBuilder mapping = new StringBuilder("<filter-mapping><filter-name>palisade</filter-name><url-pattern>/*</url-pattern>");
        for (String dispatcher : dispatchers) {
            mapping.append("<dispatcher>").append(dispatcher).append("</dispatcher>");
        }
        return mapping.append("</filter-mapping>\n").toString();
    }

    private static RawHttp.Response get(RunningServer server, String path) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theChainRunsAfterDeclaredFiltersAndBeforeTheMappingsMatchedAfterIt(Container container) throws Exception {
        try (RunningServer server = startWebApp(container, Installer.class,
                filter("declared", Noting.class) + servlet("ok", Ok.class, "/x"))) {
            RawHttp.Response ok = get(server, "/x");

            assertThat(ok.body()).isEqualTo("ok");
            assertThat(RAN).containsExactly("earlyBefore before it", "lateBefore before it", "declared before it",
                    "earlyAfter before it", "lateAfter after the chain", "servlet");
        }
    }

    /**
     * {@code matchAfter(false)}: the chain runs before the descriptor's filters and every mapping
     * added after it, and after only the {@code isMatchAfter=false} mappings added before it; a
     * Tomcat WebSocket filter registered before it (matched after) then runs behind it, unwarned.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aChainMatchedFirstRunsBeforeDeclaredFiltersAndEveryLaterMapping(Container container) throws Exception {
        try (LogCapture log = LogCapture.of(Hardening.class);
                RunningServer server = startWebApp(container, FirstInstaller.class,
                        filter("declared", Noting.class) + servlet("ok", Ok.class, "/x"))) {
            RawHttp.Response ok = get(server, "/x");

            assertThat(ok.body()).isEqualTo("ok");
            assertThat(RAN).containsExactly("earlyBefore before it", "lateBefore after the chain",
                    "declared after the chain", "earlyAfter after the chain", "lateAfter after the chain", "servlet");
            assertThat(log.text()).doesNotContain("answers WebSocket handshakes");
        }
    }

    /**
     * A descriptor that places the chain after a filter of its own keeps it there with
     * {@code matchAfter(false)} too (found by review: Hardening's own mapping, matched first, ran
     * the chain before the descriptor's filter).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aDescriptorsPlacementHoldsForAChainMatchedFirst(Container container) throws Exception {
        try (RunningServer server = startWebApp(container, FirstOnlyInstaller.class,
                filter("declared", Noting.class) + PALISADE_DECLARED + palisadeMapping() + servlet("ok", Ok.class, "/x"))) {
            RawHttp.Response ok = get(server, "/x");

            assertThat(ok.body()).isEqualTo("ok");
            assertThat(RAN).containsExactly("declared before it", "servlet");
        }
    }

    /**
     * A declaration mapped without {@code <dispatcher>} elements (REQUEST only on Tomcat): the chain
     * still covers the async dispatch, through its own mapping, and still runs once a dispatch (found
     * by review: with the descriptor's mapping alone, Tomcat answered the async failure with its own
     * page, exception message and all).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aDeclarationMappedForRequestsOnlyStillCoversAsyncDispatches(Container container) throws Exception {
        try (RunningServer server = startWebApp(container, PlainInstaller.class, PALISADE_DECLARED + palisadeMapping()
                + servlet("ok", Ok.class, "/x") + servlet("fails", FailsWhenDispatched.class, "/fails"))) {
            RawHttp.Response ok = get(server, "/x");
            RawHttp.Response failed = get(server, "/fails");

            assertThat(ok.header(RateLimitFilter.RATE_LIMIT)).contains("r=9");
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(failed.body()).doesNotContain("secret-detail");
            assertThat(failed.header(RateLimitFilter.RATE_LIMIT)).contains("r=8");
        }
    }

    /**
     * A forward made inside the chain's run is a dispatch of its own: a descriptor that maps the
     * chain for FORWARD has it run there, and a forward to a dev-only path answers 404 (found by
     * review: the mark of the outer run made the forward skip the members).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForwardTheDescriptorMapsStillMeetsTheChain(Container container) throws Exception {
        try (RunningServer server = startWebApp(container, GatedInstaller.class,
                PALISADE_DECLARED + palisadeMapping("REQUEST", "FORWARD", "INCLUDE")
                        + servlet("forwards", ForwardsToDebug.class, "/s") + servlet("debug", Ok.class, "/debug/*"))) {
            RawHttp.Response forwarded = get(server, "/s");

            assertThat(forwarded.status()).isEqualTo(404);
            assertThat(forwarded.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(RAN).isEmpty();
        }
    }

    /**
     * A descriptor may declare {@code palisade} without a class, to place its mapping among its own
     * filters; {@code Hardening.install} completes that declaration (found by review: a check added
     * for a refused install took it for a taken name). The chain then runs where the descriptor put
     * it, once.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void installCompletesADeclarationOfThePalisadeFilterInTheDescriptor(Container container) throws Exception {
        try (RunningServer server = startWebApp(container, PlainInstaller.class, PALISADE_DECLARED
                + palisadeMapping("REQUEST", "ASYNC") + filter("declared", Noting.class) + servlet("ok", Ok.class, "/x"))) {
            RawHttp.Response ok = get(server, "/x");
            RawHttp.Response again = get(server, "/x");

            assertThat(ok.body()).isEqualTo("ok");
            assertThat(RAN).containsExactly("declared after the chain", "servlet", "declared after the chain", "servlet");
            // Once: one token a request (found by review: Jetty ran the chain twice, for both mappings).
            assertThat(ok.header(RateLimitFilter.RATE_LIMIT)).contains("r=9");
            assertThat(again.header(RateLimitFilter.RATE_LIMIT)).contains("r=8");
        }
    }
}
