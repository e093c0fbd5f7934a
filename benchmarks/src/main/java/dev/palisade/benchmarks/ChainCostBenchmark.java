package dev.palisade.benchmarks;

import dev.palisade.benchmarks.load.LoadServer;
import dev.palisade.filters.AccessLogFilter;
import dev.palisade.filters.ApiKeyAuthFilter;
import dev.palisade.filters.Environment;
import dev.palisade.filters.EnvironmentGateFilter;
import dev.palisade.filters.RateLimitFilter;
import dev.palisade.filters.RequestSizeLimitFilter;
import dev.palisade.filters.SafeErrorFilter;
import dev.palisade.filters.SecurityHeadersFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the filters themselves cost one small authenticated GET, in nanoseconds, without a
 * container: each invocation builds a fresh minimal request/response pair and runs it through the
 * filters and a 2-byte servlet. {@code bare} runs the servlet alone, so {@code full − bare} is the
 * whole chain's added work per request (the container's extra work to write the added response
 * headers is not in it: see the wrk figures in docs/benchmarks.md). The other values put one filter
 * alone in front of the servlet. Set so high that nothing is rejected.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ChainCostBenchmark {
    static final String TOKEN = "load-test-token-0123456789abcdef";

    @Param({"bare", "full", "accessLog", "safeError", "securityHeaders", "rateLimit", "sizeLimit", "apiKeyAuth",
            "environmentGate"})
    public String variant;

    private final List<Filter> filters = new ArrayList<>();
    private Servlet servlet;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        servlet = LoadServer.pingServlet();
        switch (variant) {
            case "bare" -> {
            }
            case "full" -> {
                // The order Hardening installs.
                filters.add(new AccessLogFilter());
                filters.add(new SafeErrorFilter());
                filters.add(new SecurityHeadersFilter(SecurityHeadersFilter.Config.defaults()));
                filters.add(new RateLimitFilter(unlimited()));
                filters.add(new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().build()));
                filters.add(new ApiKeyAuthFilter(auth()));
                filters.add(new EnvironmentGateFilter(gate()));
            }
            case "accessLog" -> filters.add(new AccessLogFilter());
            case "safeError" -> filters.add(new SafeErrorFilter());
            case "securityHeaders" -> filters.add(new SecurityHeadersFilter(SecurityHeadersFilter.Config.defaults()));
            case "rateLimit" -> filters.add(new RateLimitFilter(unlimited()));
            case "sizeLimit" -> filters.add(new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().build()));
            case "apiKeyAuth" -> filters.add(new ApiKeyAuthFilter(auth()));
            case "environmentGate" -> filters.add(new EnvironmentGateFilter(gate()));
            default -> throw new IllegalArgumentException(variant);
        }
        ServletContext context = unsupported(ServletContext.class, Map.of("getServerInfo", "bench",
                "getServletRegistrations", Map.of(), "getAttribute", "/tmp"));
        for (Filter filter : filters) {
            filter.init(new BenchFilterConfig(filter.getClass().getSimpleName(), context));
        }
        FakeResponse probe = new FakeResponse();
        smallGet(probe);
        if (probe.status != 200 || probe.written != 2) {
            throw new IllegalStateException(variant + " answered " + probe.status + " with " + probe.headers);
        }
    }

    @Benchmark
    public int smallGet() throws Exception {
        FakeResponse response = new FakeResponse();
        return smallGet(response);
    }

    private int smallGet(FakeResponse response) throws Exception {
        new Chain(filters, servlet).doFilter(new FakeRequest(), response);
        return response.status;
    }

    private static RateLimitFilter.Config unlimited() {
        return RateLimitFilter.Config.builder().rps(1_000_000).burst(1_000_000_000).build();
    }

    private static ApiKeyAuthFilter.Config auth() {
        return ApiKeyAuthFilter.Config.builder().key(TOKEN, "bench", "manager").publicPath("/health").build();
    }

    private static EnvironmentGateFilter.Config gate() {
        return EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD).devOnlyPaths("/api/debug/*").build();
    }

    /** A servlet API object whose every method fails, but for a few fixed answers: the filters must not need more. */
    @SuppressWarnings("unchecked")
    static <T> T unsupported(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (answers.containsKey(method.getName())) {
                return answers.get(method.getName());
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
        });
    }

    /** The filter chain a container builds: each filter in turn, then the servlet. */
    static final class Chain implements FilterChain {
        private final List<Filter> filters;
        private final Servlet servlet;
        private int next;

        Chain(List<Filter> filters, Servlet servlet) {
            this.filters = filters;
            this.servlet = servlet;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException,
                jakarta.servlet.ServletException {
            if (next < filters.size()) {
                filters.get(next++).doFilter(request, response, this);
            } else {
                servlet.service(request, response);
            }
        }
    }

    record BenchFilterConfig(String name, ServletContext context) implements FilterConfig {
        @Override
        public String getFilterName() {
            return name;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public String getInitParameter(String key) {
            return null;
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.emptyEnumeration();
        }
    }

    /** {@code GET /api/ping HTTP/1.1} from 203.0.113.7 with a bearer key: what a container hands the filters. */
    static final class FakeRequest extends HttpServletRequestWrapper {
        private static final HttpServletRequest NOTHING = unsupported(HttpServletRequest.class, Map.of());
        private static final Map<String, String> HEADERS = Map.of("host", "localhost",
                "authorization", "Bearer " + TOKEN);
        private final Map<String, Object> attributes = new HashMap<>();

        FakeRequest() {
            super(NOTHING);
        }

        @Override
        public String getMethod() {
            return "GET";
        }

        @Override
        public String getRequestURI() {
            return "/api/ping";
        }

        @Override
        public String getQueryString() {
            return null;
        }

        @Override
        public String getContextPath() {
            return "";
        }

        @Override
        public String getServletPath() {
            return "/api/ping";
        }

        @Override
        public String getPathInfo() {
            return null;
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public String getScheme() {
            return "http";
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public String getRemoteAddr() {
            return "203.0.113.7";
        }

        @Override
        public DispatcherType getDispatcherType() {
            return DispatcherType.REQUEST;
        }

        @Override
        public boolean isAsyncStarted() {
            return false;
        }

        @Override
        public String getHeader(String name) {
            return HEADERS.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String value = getHeader(name);
            return value == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(value));
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
        }
    }

    /** A response that keeps headers in a map and counts body bytes. */
    static final class FakeResponse extends HttpServletResponseWrapper {
        private static final HttpServletResponse NOTHING = unsupported(HttpServletResponse.class, Map.of());
        final Map<String, String> headers = new HashMap<>();
        int status = 200;
        long written;
        private final ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                written++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written += len;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("blocking writes only");
            }
        };

        FakeResponse() {
            super(NOTHING);
        }

        @Override
        public void setHeader(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }

        @Override
        public boolean containsHeader(String name) {
            return headers.containsKey(name);
        }

        @Override
        public String getHeader(String name) {
            return headers.get(name);
        }

        @Override
        public void setStatus(int sc) {
            status = sc;
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public boolean isCommitted() {
            return false;
        }

        @Override
        public void setContentType(String type) {
            headers.put("Content-Type", type);
        }

        @Override
        public String getContentType() {
            return headers.get("Content-Type");
        }

        @Override
        public void setContentLength(int len) {
            headers.put("Content-Length", Integer.toString(len));
        }

        @Override
        public void setContentLengthLong(long len) {
            headers.put("Content-Length", Long.toString(len));
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return out;
        }

        @Override
        public void flushBuffer() {
            // Nothing is buffered: the fake writes straight into its counter.
        }

        @Override
        public void resetBuffer() {
            written = 0;
        }
    }
}
