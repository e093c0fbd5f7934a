package dev.palisade.benchmarks.load;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.filters.RateLimitFilter;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlets.DoSFilter;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SizeLimitHandler;

/**
 * A server for throughput comparisons: one tiny GET endpoint ({@code /api/ping}, 2 bytes) on bare
 * Jetty or Tomcat, with the Palisade chain, or with a single peer filter. Limits are set so high
 * that no request is rejected: the figures measure what each filter costs on the path of every
 * request. Driven by {@code benchmarks/load.sh}; see {@code docs/benchmarks.md}.
 *
 * <p>Usage: {@code LoadServer <variant> <port>} with variant one of {@code jetty-bare},
 * {@code jetty-palisade}, {@code jetty-dosfilter}, {@code jetty-sizelimit}, {@code tomcat-bare},
 * {@code tomcat-palisade}, {@code tomcat-ratelimit}, and, to take the chain apart,
 * {@code -noop7}, {@code -wrap}, {@code -wrapreq}, {@code -headers} and {@code -floor} on either
 * container.
 */
public final class LoadServer {
    private LoadServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: LoadServer <variant> <port>");
        }
        String variant = args[0].toLowerCase(Locale.ROOT);
        int port = Integer.parseInt(args[1]);
        AutoCloseable server = variant.startsWith("tomcat-") ? startTomcat(variant, port) : startJetty(variant, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        new CountDownLatch(1).await();
    }

    private static AutoCloseable startJetty(String variant, int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addServletContainerInitializer((ServletContainerInitializer) (c, ctx) -> setUp(variant, ctx));
        Handler top = context;
        if (variant.equals("jetty-sizelimit")) {
            top = new SizeLimitHandler(1 << 20, -1);
            ((SizeLimitHandler) top).setHandler(context);
        }
        server.setHandler(top);
        server.start();
        return server::stop;
    }

    private static AutoCloseable startTomcat(String variant, int port) throws Exception {
        Path base = Files.createTempDirectory("palisade-load");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", Files.createDirectories(base.resolve("root")).toString());
        context.addServletContainerInitializer((c, ctx) -> setUp(variant, ctx), null);
        tomcat.start();
        return () -> {
            tomcat.stop();
            tomcat.destroy();
        };
    }

    private static void setUp(String variant, ServletContext ctx) {
        if (Boolean.getBoolean("palisade.measure")) {
            ctx.addFilter("measure", CpuTimeFilter.INSTANCE)
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        }
        switch (variant) {
            case "jetty-bare":
            case "tomcat-bare":
            case "jetty-sizelimit":
                break;
            case "jetty-palisade":
            case "tomcat-palisade":
                PalisadeChain.install(ctx);
                break;
            case "jetty-noop7":
            case "tomcat-noop7":
                // The container's own cost of running seven filters that do nothing: the floor of any 7-filter chain.
                for (int i = 0; i < 7; i++) {
                    ctx.addFilter("noop" + i, (jakarta.servlet.Filter) (req, resp, chain) -> chain.doFilter(req, resp))
                            .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
                }
                break;
            case "jetty-wrap":
            case "tomcat-wrap":
                // The container's cost of a filter that only wraps the response, as error boundaries do.
                ctx.addFilter("wrap", (jakarta.servlet.Filter) (req, resp, chain) -> chain.doFilter(req,
                        new jakarta.servlet.http.HttpServletResponseWrapper((HttpServletResponse) resp)))
                        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
                break;
            case "jetty-wrapreq":
            case "tomcat-wrapreq":
                // The container's cost of a filter that only wraps the request, as authentication filters do.
                ctx.addFilter("wrapreq", (jakarta.servlet.Filter) (req, resp, chain) -> chain.doFilter(
                        new jakarta.servlet.http.HttpServletRequestWrapper((HttpServletRequest) req), resp))
                        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
                break;
            case "jetty-headers":
            case "tomcat-headers":
                // The container's cost of writing the six response header fields the chain adds to a 200, with no filter logic.
                ctx.addFilter("headers", new AddedHeadersFilter())
                        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
                break;
            case "jetty-floor":
            case "tomcat-floor":
                // What any implementation of the chain's required behaviour asks of the container, with no logic.
                ctx.addFilter("floor", new ContainerFloorFilter())
                        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
                break;
            case "jetty-dosfilter": {
                FilterRegistration.Dynamic dos = ctx.addFilter("dos", DoSFilter.class);
                // DoSFilter keeps one timestamp per allowed request in a ring: the ring must fit the heap.
                dos.setInitParameter("maxRequestsPerSec", "1000000");
                dos.setInitParameter("delayMs", "-1");
                dos.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
                break;
            }
            case "tomcat-ratelimit": {
                FilterRegistration.Dynamic rate = ctx.addFilter("rate", RateLimitFilter.class);
                rate.setInitParameter("bucketDuration", "60");
                rate.setInitParameter("bucketRequests", "100000000");
                rate.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
                break;
            }
            default:
                throw new IllegalArgumentException("unknown variant " + variant);
        }
        ctx.addServlet("ping", new PingServlet()).addMapping("/api/ping");
        ctx.addServlet("events", new EventsServlet()).addMapping("/api/events");
    }

    /** The endpoint every throughput figure is measured on. */
    public static HttpServlet pingServlet() {
        return new PingServlet();
    }

    /**
     * With {@code -Dpalisade.measure=true}: the outermost filter, adding up the request thread's
     * CPU time spent below it (the other filters and the servlet, on the real container's request
     * and response objects), and printing the mean per request at shutdown. Parsing, response
     * generation, GC and JIT threads are outside it: it isolates what filters cost in a container.
     */
    static final class CpuTimeFilter implements jakarta.servlet.Filter {
        static final CpuTimeFilter INSTANCE = new CpuTimeFilter();
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();
        private final java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();

        CpuTimeFilter() {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(java.util.Locale.ROOT,
                    "cpu below the first filter: %.0f ns per request over %d requests%n",
                    nanos.sum() / (double) Math.max(1, requests.sum()), requests.sum())));
        }

        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
            long start = threads.getCurrentThreadCpuTime();
            chain.doFilter(req, resp);
            nanos.add(threads.getCurrentThreadCpuTime() - start);
            requests.increment();
        }
    }

    /** Sets, as fixed strings, the response headers the Palisade chain adds to a small GET. */
    static final class AddedHeadersFilter implements jakarta.servlet.Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
            HttpServletResponse response = (HttpServletResponse) resp;
            response.addHeader("X-Request-Id", "5b1b1b1c65cb368f8796f85a3805d3e2");
            response.addHeader("X-Content-Type-Options", "nosniff");
            response.addHeader("Referrer-Policy", "no-referrer");
            response.addHeader("X-Frame-Options", "DENY");
            response.addHeader("Content-Security-Policy", "frame-ancestors 'none'");
            response.addHeader("Cache-Control", "no-store");
            chain.doFilter(req, resp);
        }
    }

    /**
     * The container calls the chain cannot do without, each done once, with no decision made: read
     * the request id and the bearer token, publish the id and the principal as request attributes
     * (so they survive an async dispatch), wrap the request (for {@code getUserPrincipal()}) and the
     * response (to turn a downstream {@code sendError} into a problem body), and add the six header
     * fields. Left out, as logic rather than container work: generating the id, hashing and
     * checking the token, the rate-limit decision, the size check and the path rules.
     */
    static final class ContainerFloorFilter implements jakarta.servlet.Filter {
        private final AddedHeadersFilter headers = new AddedHeadersFilter();

        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            request.setAttribute("request-id", request.getHeader("X-Request-Id"));
            request.setAttribute("principal", request.getHeader("Authorization"));
            headers.doFilter(new jakarta.servlet.http.HttpServletRequestWrapper(request),
                    new jakarta.servlet.http.HttpServletResponseWrapper((HttpServletResponse) resp), chain);
        }
    }

    /**
     * An endpoint doing an API's usual work without a database: it reads a query parameter and
     * serialises a page of ten events with Jackson (about 1.5 KB of JSON), as a list endpoint of the
     * booking server does after its store read.
     */
    static final class EventsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
        private static final java.util.List<Event> PAGE = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> new Event("evt-" + (1000 + i), "acme", "Annual meeting " + i, "2027-03-" + (10 + i),
                        i % 3 == 0 ? "offer_sent" : "awaiting_deposit", 40 + i, "Room " + (char) ('A' + i),
                        "client" + i + "@example.com"))
                .toList();

        record Event(String id, String team, String title, String date, String status, int partySize,
                String room, String contact) {
        }

        record Page(int offset, int total, java.util.List<Event> events) {
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String offset = req.getParameter("offset");
            byte[] body = JSON.writeValueAsBytes(new Page(offset == null ? 0 : Integer.parseInt(offset), 57, PAGE));
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }

    /** The smallest realistic endpoint: a fixed 2-byte body. */
    static final class PingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.setContentLength(OK.length);
            resp.getOutputStream().write(OK);
        }
    }
}
