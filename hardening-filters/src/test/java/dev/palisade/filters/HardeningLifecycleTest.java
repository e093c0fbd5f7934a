package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Hardening#install} across a context's stop and start, and called twice. */
class HardeningLifecycleTest {
    private static final String FIRST_KEY = "first-key-0123456789abcdef";
    private static final String SECOND_KEY = "second-key-0123456789abcdef";

    private static Hardening.Config chainWithKey(String key) {
        return Hardening.builder()
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(key, "acme", "manager").build())
                .environmentGate(EnvironmentGateFilter.Config.builder()
                        .environment(Environment.of(Environment.Mode.PROD, "test")).devOnlyPaths("/api/debug/*").build())
                .build();
    }

    /** The application's own servlet, registered the way a restart needs (Jetty keeps it too). */
    private static void app(ServletContext ctx) {
        ServletRegistration.Dynamic who = ctx.addServlet("who", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("team=" + ApiKeyPrincipal.of(req).orElseThrow().team());
            }
        });
        if (who != null) {
            who.addMapping("/*");
        }
    }

    /**
     * Jetty's ServletContextHandler (the embedded set-up docs/filters.md shows) keeps programmatic
     * registrations across stop and start and runs the initializers again: the second start must
     * serve the chain the initializer installs then, not fail, and not keep the first one.
     */
    @Test
    void aJettyContextStoppedAndStartedAgainRunsTheChainInstalledAtTheSecondStart() throws Exception {
        AtomicReference<String> key = new AtomicReference<>(FIRST_KEY);
        List<Hardening.Installed> installs = new CopyOnWriteArrayList<>();
        Server server = new Server();
        ServerConnector connector = loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            installs.add(Hardening.install(ctx, chainWithKey(key.get())));
            app(ctx);
        });
        server.setHandler(context);
        server.start();
        try {
            int port = connector.getLocalPort();
            assertThat(get(port, "/api/x", FIRST_KEY).body()).isEqualTo("team=acme");

            context.stop();
            key.set(SECOND_KEY);
            context.start();

            RawHttp.Response renewed = get(port, "/api/x", SECOND_KEY);
            RawHttp.Response old = get(port, "/api/x", FIRST_KEY);
            RawHttp.Response hidden = get(port, "/api/debug/x", SECOND_KEY);
            assertThat(renewed.status()).isEqualTo(200);
            assertThat(renewed.body()).isEqualTo("team=acme");
            assertThat(renewed.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(old.status()).isEqualTo(401);
            assertThat(hidden.status()).isEqualTo(404);
            assertThat(installs).hasSize(2);
            // What the second install returned is what serves: its counts move, the first one's do not.
            assertThat(installs.get(1).apiKeyAuth().orElseThrow().unauthorizedCount()).isEqualTo(1);
            assertThat(installs.get(0).apiKeyAuth().orElseThrow().unauthorizedCount()).isZero();
        } finally {
            server.stop();
        }
    }

    /**
     * The chain's guard gates the application's forwards with the chain's gate: after a restart
     * (Jetty keeps the guard's registration), with the gate installed then, not the first one.
     */
    @Test
    void aForwardIsGatedByTheChainInstalledAtTheLatestStart() throws Exception {
        AtomicReference<String> hidden = new AtomicReference<>("/api/debug/*");
        Server server = new Server();
        ServerConnector connector = loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            Hardening.install(ctx, Hardening.builder().environmentGate(EnvironmentGateFilter.Config.builder()
                    .mode(Environment.Mode.PROD).devOnlyPaths(hidden.get()).build()).build());
            ServletRegistration.Dynamic alias = ctx.addServlet("alias", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    req.getRequestDispatcher("/api" + req.getPathInfo()).forward(req, resp);
                }
            });
            if (alias != null) {
                alias.addMapping("/legacy/*");
                ctx.addServlet("api", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().write("served");
                    }
                }).addMapping("/api/*");
            }
        });
        server.setHandler(context);
        server.start();
        try {
            int port = connector.getLocalPort();
            assertThat(get(port, "/legacy/debug/x", null).status()).isEqualTo(404);
            assertThat(get(port, "/legacy/secret/x", null).body()).isEqualTo("served");

            context.stop();
            hidden.set("/api/secret/*");
            context.start();

            assertThat(get(port, "/legacy/secret/x", null).status()).isEqualTo(404);
            assertThat(get(port, "/legacy/debug/x", null).body()).isEqualTo("served");
        } finally {
            server.stop();
        }
    }

    static Stream<Arguments> filtersReadingInitParams() {
        String post = "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\nConnection: close\r\n\r\n01234567890123456789";
        String get = "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        return Stream.of(
                Arguments.of(named("SecurityHeadersFilter", (Supplier<Filter>) SecurityHeadersFilter::new), "hstsMaxAge", "0", get, 200),
                Arguments.of(named("RequestSizeLimitFilter", (Supplier<Filter>) RequestSizeLimitFilter::new), "maxBytes", "10", post, 413),
                Arguments.of(named("RateLimitFilter", (Supplier<Filter>) RateLimitFilter::new), "burst", "5", get, 200),
                Arguments.of(named("EnvironmentGateFilter", (Supplier<Filter>) EnvironmentGateFilter::new), "devOnlyPaths", "/x",
                        get, 404),
                Arguments.of(named("ApiKeyAuthFilter", (Supplier<Filter>) ApiKeyAuthFilter::new), "keys",
                        FIRST_KEY + "@acme:manager", get, 401));
    }

    /**
     * A filter that reads its init-params, in a Jetty context stopped and started again: the same
     * instance is initialised twice (found by review: the security fields and the size limit took
     * their first configuration for one given in code, refused the init-params, and the context
     * failed to start, answering 404).
     */
    @ParameterizedTest
    @MethodSource("filtersReadingInitParams")
    void aFilterReadingInitParamsStartsAgainWithItsJettyContext(Supplier<Filter> made, String param, String value,
            String request, int expected) throws Exception {
        Filter filter = made.get();
        Server server = new Server();
        ServerConnector connector = loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            FilterRegistration.Dynamic registration = ctx.addFilter("f", filter);
            if (registration != null) {
                registration.setInitParameter(param, value);
                registration.addMappingForUrlPatterns(null, false, "/*");
            }
            ServletRegistration.Dynamic ok = ctx.addServlet("ok", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.getWriter().write("ok");
                }
            });
            if (ok != null) {
                ok.addMapping("/*");
            }
        });
        server.setHandler(context);
        server.start();
        try {
            int port = connector.getLocalPort();
            assertThat(RawHttp.exchange(port, request).status()).isEqualTo(expected);

            context.stop();
            context.start();

            assertThat(context.isAvailable()).isTrue();
            assertThat(RawHttp.exchange(port, request).status()).isEqualTo(expected);
        } finally {
            server.stop();
        }
    }

    /** A restart whose initializer does not install again keeps the old chain, running: a later install is refused. */
    @Test
    void aContextStartedAgainWithoutANewInstallRefusesOneLater() throws Exception {
        AtomicReference<Boolean> installing = new AtomicReference<>(true);
        Server server = new Server();
        ServerConnector connector = loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            if (installing.get()) {
                Hardening.install(ctx, chainWithKey(FIRST_KEY));
            }
            app(ctx);
        });
        server.setHandler(context);
        server.start();
        try {
            int port = connector.getLocalPort();
            installing.set(false);
            context.stop();
            context.start();

            assertThat(get(port, "/api/x", FIRST_KEY).status()).isEqualTo(200);
            assertThatThrownBy(() -> Hardening.install(context.getServletContext(), chainWithKey(SECOND_KEY)))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(get(port, "/api/x", FIRST_KEY).status()).isEqualTo(200);
            assertThat(get(port, "/api/x", SECOND_KEY).status()).isEqualTo(401);
        } finally {
            server.stop();
        }
    }

    static final AtomicReference<String> WEB_APP_KEY = new AtomicReference<>(FIRST_KEY);

    /** The web application's listener: installs the chain with the key of the moment. */
    public static final class Installer implements ServletContextListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            Hardening.install(event.getServletContext(), chainWithKey(WEB_APP_KEY.get()));
        }
    }

    /** The web application's one servlet. */
    public static final class Who extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("team=" + ApiKeyPrincipal.of(req).orElseThrow().team());
        }
    }

    /**
     * A web application whose descriptor places the chain among its filters: Jetty keeps that
     * declaration (with the chain's sequence) across a restart, and drops the guard added in code.
     */
    @Test
    void aJettyWebAppPlacingTheChainInItsDescriptorGetsTheNewChainAndTheGuardWhenStartedAgain(@TempDir Path dir)
            throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("WEB-INF")).resolve("web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <listener><listener-class>%INSTALLER%</listener-class></listener>
                  <filter><filter-name>palisade</filter-name><async-supported>true</async-supported></filter>
                  <filter-mapping><filter-name>palisade</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                  <servlet><servlet-name>who</servlet-name><servlet-class>%WHO%</servlet-class></servlet>
                  <servlet-mapping><servlet-name>who</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
                </web-app>
                """.replace("%INSTALLER%", Installer.class.getName()).replace("%WHO%", Who.class.getName()));
        WEB_APP_KEY.set(FIRST_KEY);
        Server server = new Server();
        ServerConnector connector = loopbackConnector(server);
        WebAppContext webApp = new WebAppContext(dir.toString(), "/");
        webApp.setParentLoaderPriority(true);
        webApp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webApp);
        server.start();
        try {
            int port = connector.getLocalPort();
            assertThat(get(port, "/api/x", FIRST_KEY).status()).isEqualTo(200);

            webApp.stop();
            WEB_APP_KEY.set(SECOND_KEY);
            webApp.start();

            assertThat(get(port, "/api/x", SECOND_KEY).status()).isEqualTo(200);
            assertThat(get(port, "/api/x", FIRST_KEY).status()).isEqualTo(401);
            assertThat(webApp.getServletContext().getFilterRegistration("palisade.errorPageGuard"))
                    .as("the guard, registered again").isNotNull();
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aSecondInstallIntoARunningContextIsRefusedAndTheFirstChainStays(Container container) throws Exception {
        AtomicReference<Throwable> second = new AtomicReference<>();
        try (RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, chainWithKey(FIRST_KEY));
            try {
                Hardening.install(ctx, chainWithKey(SECOND_KEY));
            } catch (IllegalStateException e) {
                second.set(e);
            }
            app(ctx);
        })) {
            assertThat(second.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("palisade is already registered");
            assertThat(get(server.port(), "/api/x", FIRST_KEY).status()).isEqualTo(200);
            assertThat(get(server.port(), "/api/x", SECOND_KEY).status()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aPalisadeFilterRegisteredBesidesTheChainIsWarnedAbout(Container container) throws Exception {
        try (LogCapture log = LogCapture.of(Hardening.class);
                RunningServer server = container.start(ctx -> {
                    ctx.addFilter("ownLimit", new RateLimitFilter(RateLimitFilter.Config.builder().build()))
                            .addMappingForUrlPatterns(null, false, "/*");
                    Hardening.install(ctx, chainWithKey(FIRST_KEY));
                    app(ctx);
                })) {
            assertThat(get(server.port(), "/api/x", FIRST_KEY).status()).isEqualTo(200);
            assertThat(log.text()).contains("filter 'ownLimit' (RateLimitFilter) is registered besides the chain")
                    .doesNotContain("'palisade");
        }
    }

    /**
     * A container's WebSocket filter registered before the chain answers handshakes ahead of it
     * (found by review with Jetty's and Tomcat's WebSocket servers: no key, 101). Registered here
     * under the names those containers give it, with a filter of no consequence from outside the kit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Tomcat WebSocket (JSR356) Filter", "org.eclipse.jetty.ee10.websocket.servlet.WebSocketUpgradeFilter",
        "org.eclipse.jetty.ee11.websocket.servlet.WebSocketUpgradeFilter"})
    void aWebSocketFilterRegisteredBeforeTheChainIsWarnedAbout(String name) throws Exception {
        try (LogCapture log = LogCapture.of(Hardening.class);
                RunningServer server = Container.JETTY.start(ctx -> {
                    ctx.addFilter(name, new org.apache.catalina.filters.SetCharacterEncodingFilter()).addMappingForUrlPatterns(null, false, "/*");
                    Hardening.install(ctx, chainWithKey(FIRST_KEY));
                    app(ctx);
                })) {
            assertThat(log.text()).contains("the container's WebSocket filter '" + name + "' was registered before "
                    + "the chain and answers WebSocket handshakes ahead of it");
        }
    }

    /** The warning again at a Jetty context's second start, where the kept registration has the chain's mapping already. */
    @Test
    void aWebSocketFilterAheadOfTheChainIsWarnedAboutAtEachStart() throws Exception {
        String name = "org.eclipse.jetty.ee10.websocket.servlet.WebSocketUpgradeFilter";
        Server server = new Server();
        loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServletContainerInitializer((ServletContainerInitializer) (classes, ctx) -> {
            FilterRegistration.Dynamic upgrade = ctx.addFilter(name, new org.apache.catalina.filters.SetCharacterEncodingFilter());
            if (upgrade != null) {
                upgrade.addMappingForUrlPatterns(null, false, "/*");
            }
            Hardening.install(ctx, chainWithKey(FIRST_KEY));
            app(ctx);
        });
        server.setHandler(context);
        try (LogCapture log = LogCapture.of(Hardening.class)) {
            server.start();
            context.stop();
            context.start();

            assertThat(log.lines()).filteredOn(line -> line.contains("answers WebSocket handshakes ahead of it")).hasSize(2);
        } finally {
            server.stop();
        }
    }

    /**
     * A filter declared without its class yet (a descriptor's, completed later by a listener): the
     * look for WebSocket filters asked an immutable set about its null class name, and install threw
     * (found by review: the context failed to start).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aDeclarationCompletedAfterTheInstallIsNoObstacle(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("pending", (String) null);
            Hardening.install(ctx, chainWithKey(FIRST_KEY));
            ctx.addFilter("pending", new org.apache.catalina.filters.SetCharacterEncodingFilter())
                    .addMappingForUrlPatterns(null, true, "/*");
            app(ctx);
        })) {
            assertThat(get(server.port(), "/api/x", FIRST_KEY).status()).isEqualTo(200);
        }
    }

    @Test
    void aWebSocketFilterRegisteredAfterTheChainIsNotWarnedAbout() throws Exception {
        try (LogCapture log = LogCapture.of(Hardening.class);
                RunningServer server = Container.TOMCAT.start(ctx -> {
                    Hardening.install(ctx, chainWithKey(FIRST_KEY));
                    ctx.addFilter("Tomcat WebSocket (JSR356) Filter", new org.apache.catalina.filters.SetCharacterEncodingFilter())
                            .addMappingForUrlPatterns(null, true, "/*");
                    app(ctx);
                })) {
            assertThat(get(server.port(), "/api/x", FIRST_KEY).status()).isEqualTo(200);
            assertThat(log.text()).doesNotContain("WebSocket");
        }
    }

    private static ServerConnector loopbackConnector(Server server) {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        return connector;
    }

    private static RawHttp.Response get(int port, String path, String key) throws IOException {
        return RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aSequenceTakesNewMembersOnlyWhileStopped() throws Exception {
        FilterSequence sequence = new FilterSequence(List.of("a"), List.of(new SafeErrorFilter()));

        assertThat(sequence.replaceWhileStopped(List.of("b"), List.of(new SafeErrorFilter()))).isFalse();
        sequence.destroy();
        assertThat(sequence.replaceWhileStopped(List.of("b"), List.of(new SafeErrorFilter()))).isTrue();
        assertThat(sequence.names()).containsExactly("b");
        assertThat(sequence.replaceWhileStopped(List.of("c"), List.of(new SafeErrorFilter()))).isFalse();
        assertThatThrownBy(() -> new FilterSequence(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
