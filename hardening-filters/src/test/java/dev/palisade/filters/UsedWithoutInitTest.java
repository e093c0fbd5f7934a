package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.Environment.Mode;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frameworks that hold filters of their own (Spring Security's filter chain, a
 * {@code DelegatingFilterProxy} by default) call {@code doFilter} and never {@code init()}. A filter
 * made to read its settings in {@code init()} must then refuse every request, not let it through
 * unchecked; one made with its {@code Config} must work as configured.
 */
class UsedWithoutInitTest {

    static Stream<Arguments> filtersWaitingForInit() {
        return Stream.of(Container.values()).flatMap(container -> Stream.<Supplier<Filter>>of(
                RateLimitFilter::new, EnvironmentGateFilter::new, RequestSizeLimitFilter::new,
                SecurityHeadersFilter::new, ApiKeyAuthFilter::new)
                .map(filter -> Arguments.of(container, filter.get())));
    }

    @ParameterizedTest
    @MethodSource("filtersWaitingForInit")
    void aFilterWaitingForItsSettingsRefusesEveryRequestUntilInit(Container container, Filter uninitialised)
            throws Exception {
        AtomicInteger reached = new AtomicInteger();
        try (LogCapture log = LogCapture.of(SafeErrorFilter.class);
                RunningServer server = start(container, List.of(uninitialised), reached)) {
            RawHttp.Response r = get(server, "/api/debug/x");

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(reached).hasValue(0);
            assertThat(log.text()).contains(uninitialised.getClass().getSimpleName() + " used before init()");
        }
    }

    static Stream<Container> containers() {
        return Stream.of(Container.values());
    }

    @ParameterizedTest
    @MethodSource("containers")
    void filtersMadeWithTheirConfigWorkWithoutInit(Container container) throws Exception {
        AtomicInteger reached = new AtomicInteger();
        List<Filter> configured = List.of(
                new SecurityHeadersFilter(SecurityHeadersFilter.Config.builder().build()),
                new EnvironmentGateFilter(EnvironmentGateFilter.Config.builder()
                        .environment(Environment.of(Mode.PROD, "test")).devOnlyPaths("/api/debug/*").build()),
                new RateLimitFilter(RateLimitFilter.Config.builder().rps(0.001).burst(1).allowlist().build()),
                new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(4).build()));
        try (RunningServer server = start(container, configured, reached)) {
            RawHttp.Response hidden = get(server, "/api/debug/x");
            RawHttp.Response first = get(server, "/api/ok");
            RawHttp.Response limited = get(server, "/api/ok");

            assertThat(hidden.status()).isEqualTo(404);
            assertThat(hidden.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(first.status()).isEqualTo(200);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(reached).hasValue(1);
        }
    }

    /**
     * Without init() a filter still learns its container (from the first request), so that an early
     * answer to a body still on its way closes the connection at once: on Tomcat it used to drain
     * the body, holding a request thread for as long as the client took (the connection timeout).
     */
    @ParameterizedTest
    @MethodSource("containers")
    void anEarlyAnswerWithoutInitStillClosesInsteadOfWaitingForTheBody(Container container) throws Exception {
        AtomicInteger reached = new AtomicInteger();
        List<Filter> configured = List.of(new ApiKeyAuthFilter(ApiKeyAuthFilter.Config.builder()
                .key("framework-key-0123456789", "acme", "manager").build()));
        try (RunningServer server = start(container, configured, reached); RawHttp http = server.raw()) {
            http.send("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n");
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(http.closedByServer()).as("closed without waiting for the body").isTrue();
            assertThat(reached).hasValue(0);
        }
    }

    /**
     * The size limit without init() learns its container's form rules from the first request: a
     * chunked form without a charset reads as the container reads it with a length (UTF-8 on Jetty,
     * ISO-8859-1 on Tomcat).
     */
    @ParameterizedTest
    @MethodSource("containers")
    void theSizeLimitWithoutInitReadsAChunkedFormAsItsContainerDoes(Container container) throws Exception {
        List<Filter> configured = List.of(new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().build()));
        try (RunningServer server = container.start(ctx -> {
            registerFramework(ctx, configured);
            ctx.addServlet("param", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setCharacterEncoding("UTF-8");
                    resp.getWriter().write("a=" + req.getParameter("a"));
                }
            }).addMapping("/");
        })) {
            String head = "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Connection: close\r\n";
            RawHttp.Response withLength = RawHttp.exchange(server.port(), head + "Content-Length: 8\r\n\r\na=%C3%A9");
            RawHttp.Response chunked = RawHttp.exchange(server.port(), head + "Transfer-Encoding: chunked\r\n\r\n"
                    + "8\r\na=%C3%A9\r\n0\r\n\r\n");

            assertThat(withLength.body()).isEqualTo(container == Container.JETTY ? "a=\u00e9" : "a=\u00c3\u00a9");
            assertThat(chunked.body()).isEqualTo(withLength.body());
        }
    }

    /** The filters run inside one registered filter, as a framework's own chain runs them. */
    private static RunningServer start(Container container, List<Filter> held, AtomicInteger reached)
            throws Exception {
        return container.start(ctx -> {
            ctx.addFilter("errors", new SafeErrorFilter()).addMappingForUrlPatterns(null, false, "/*");
            registerFramework(ctx, held);
            ctx.addServlet("app", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    reached.incrementAndGet();
                    resp.getWriter().write("ok");
                }
            }).addMapping("/");
        });
    }

    private static RawHttp.Response get(RunningServer server, String target) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    /** A framework's own filter chain holding {@code held}, registered as one filter (Spring Security's shape). */
    private static void registerFramework(jakarta.servlet.ServletContext ctx, List<Filter> held) {
        ctx.addFilter("framework", new Filter() {
            @Override
            public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                    throws IOException, ServletException {
                new HeldChain(held, chain).doFilter(request, response);
            }
        }).addMappingForUrlPatterns(null, true, "/*");
    }

    private static final class HeldChain implements FilterChain {
        private final List<Filter> filters;
        private final FilterChain rest;
        private int next;

        HeldChain(List<Filter> filters, FilterChain rest) {
            this.filters = filters;
            this.rest = rest;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            if (next < filters.size()) {
                filters.get(next++).doFilter(request, response, this);
            } else {
                rest.doFilter(request, response);
            }
        }
    }
}
