package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import dev.palisade.filters.testing.ServletSetup;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Review: ResponseHeaders.remove's reset fallback (Servlet 6.0 semantics: setHeader(name, null) ignored). */
/**
 * The abandoned result's fields dropped from a 500, where {@code setHeader(name, null)} removes them
 * and where it does nothing (Servlet 6.0, Tomcat 10.1: the response is reset and the others set
 * again): fields with several values keep each value once, the chain's own fields come once.
 */
class AbandonedResultFieldsTest {
    static final class App extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            switch (req.getPathInfo()) {
                case "/multi" -> {
                    resp.addHeader("Vary", "Origin");
                    resp.addHeader("Vary", "Accept-Encoding");
                    resp.addHeader("Content-Security-Policy", "default-src 'self'");
                    resp.addCookie(new Cookie("session", "half"));
                    throw new IllegalStateException("failed half-way");
                }
                case "/async-own" -> {
                    // startAsync with the chain's own response: the task's 500 goes through the chain's wrapper.
                    AsyncContext async = req.startAsync(req, resp);
                    async.start(() -> {
                        ((HttpServletResponse) async.getResponse()).addCookie(new Cookie("session", "half"));
                        throw new IllegalStateException("task failed half-way");
                    });
                }
                case "/all-fields" -> {
                    resp.setHeader("Content-Encoding", "gzip");
                    resp.setHeader("Content-Disposition", "attachment");
                    resp.setHeader("ETag", "\"1\"");
                    resp.setDateHeader("Last-Modified", 0);
                    resp.setHeader("Location", "/elsewhere");
                    resp.addCookie(new Cookie("session", "half"));
                    resp.addHeader("Set-Cookie", "raw=1");
                    throw new IllegalStateException("failed half-way");
                }
                default -> resp.sendError(404);
            }
        }
    }

    private static ServletSetup setup(boolean servlet60) {
        return ctx -> {
            if (servlet60) {
                ctx.addFilter("servlet-6.0", (req, resp, chain) -> chain.doFilter(req,
                        new HttpServletResponseWrapper((HttpServletResponse) resp) {
                            @Override
                            public void setHeader(String name, String value) {
                                if (value != null) {
                                    super.setHeader(name, value);
                                }
                            }
                        })).addMappingForUrlPatterns(null, false, "/*");
            }
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            var app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.addMapping("/t/*");
        };
    }

    static final java.util.concurrent.atomic.AtomicInteger RESETS = new java.util.concurrent.atomic.AtomicInteger();

    /** Whether remove() resets on a Servlet 6.1-behaving container (it should not). */
    @ParameterizedTest
    @EnumSource(Container.class)
    void noResetWhereSettingANullHeaderRemoves(Container container) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(container.tomcat10(), "Tomcat 10.1 ignores a null header");
        RESETS.set(0);
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("resets", (req, resp, chain) -> chain.doFilter(req,
                    new HttpServletResponseWrapper((HttpServletResponse) resp) {
                        @Override
                        public void reset() {
                            RESETS.incrementAndGet();
                            super.reset();
                        }
                    })).addMappingForUrlPatterns(null, false, "/*");
            setup(false).register(ctx);
        })) {
            RawHttp.Response r = get(server, "/t/all-fields");
            assertThat(r.status()).isEqualTo(500);
            for (String name : new String[] {"Content-Encoding", "Content-Disposition", "ETag", "Last-Modified", "Location", "Set-Cookie"}) {
                assertThat(r.header(name)).as(name).isNull();
            }
            assertThat(RESETS.get()).isZero();
        }
    }

    private static RawHttp.Response get(RunningServer server, String path) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    /**
     * Tomcat's getHeaderNames() lists a name once per field: each value must come back once. With
     * the null-ignoring response the fallback runs on every container; without it, only on a
     * Servlet 6.0 Tomcat (10.1: the {@code tomcat-10.1} profile).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void fieldsWithSeveralValuesAreNotMultiplied(Container container) throws Exception {
        for (boolean nullHeaderIgnored : new boolean[] {false, true}) {
            try (RunningServer server = container.start(setup(nullHeaderIgnored))) {
                RawHttp.Response r = get(server, "/t/multi");
                assertThat(r.status()).isEqualTo(500);
                assertThat(r.header("Set-Cookie")).isNull();
                assertThat(r.headerValues("Vary")).as("Vary").containsExactly("Origin", "Accept-Encoding");
                assertThat(r.headerValues("Content-Security-Policy")).as("CSP").hasSize(2);
            }
        }
    }

    /**
     * An async task failing on the chain's own response: the reset goes through
     * ErrorCapturingResponse.reset(), which puts the chain's fields back; each comes once.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsyncTaskOnTheChainsResponseGetsEachChainFieldOnce(Container container) throws Exception {
        for (boolean nullHeaderIgnored : new boolean[] {false, true}) {
            try (RunningServer server = container.start(setup(nullHeaderIgnored))) {
                RawHttp.Response r = get(server, "/t/async-own");
                assertThat(r.status()).isEqualTo(500);
                assertThat(r.header("Set-Cookie")).isNull();
                assertThat(r.headerValues("Content-Security-Policy")).as("CSP").containsExactly("frame-ancestors 'none'");
                assertThat(r.headerValues("X-Content-Type-Options")).hasSize(1);
            }
        }
    }
}
