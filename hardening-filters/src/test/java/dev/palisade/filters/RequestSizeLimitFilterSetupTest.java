package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Settings, init failures, Content-Length validation and the Tomcat setting that aborts at once. */
class RequestSizeLimitFilterSetupTest {
    private final AtomicInteger calls = new AtomicInteger();

    private HttpServlet echoLength() {
        return new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                calls.incrementAndGet();
                resp.getWriter().write("bytes=" + req.getInputStream().readAllBytes().length);
            }
        };
    }

    private RunningServer start(Container container, Filter filter, Map<String, String> params, Filter outer)
            throws Exception {
        return container.start(ctx -> {
            if (outer != null) {
                ctx.addFilter("outer", outer).addMappingForUrlPatterns(null, false, "/*");
            }
            FilterRegistration.Dynamic size = ctx.addFilter("size", filter);
            size.setInitParameters(params);
            size.addMappingForUrlPatterns(null, true, "/*");
            ctx.addServlet("echo", echoLength()).addMapping("/*");
        });
    }

    private static RawHttp.Response postWithLength(RunningServer server, int length) throws IOException {
        try (RawHttp http = server.raw()) {
            http.send("POST /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + length + "\r\n\r\n");
            http.send(new byte[length]);
            return http.readResponse();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void takesTheLimitFromTheEnvironmentInKibibytes(Container container) throws Exception {
        Function<String, String> env = Map.of("REQUEST_SIZE_LIMIT_KB", "1")::get;
        try (RunningServer server = start(container, new RequestSizeLimitFilter(env), Map.of(), null)) {
            assertThat(postWithLength(server, 1024).body()).isEqualTo("bytes=1024");
            assertThat(postWithLength(server, 1025).status()).isEqualTo(413);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void initParamWinsOverTheEnvironment(Container container) throws Exception {
        Function<String, String> env = Map.of("REQUEST_SIZE_LIMIT_KB", "1")::get;
        try (RunningServer server = start(container, new RequestSizeLimitFilter(env),
                Map.of("maxBytes", "2000", "pathLimits", "/big=5000"), null)) {
            assertThat(postWithLength(server, 2000).status()).isEqualTo(200);
            assertThat(postWithLength(server, 2001).status()).isEqualTo(413);
        }
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of(
                Arguments.of(c, Map.of("maxBytes", "lots"), Map.of(), "maxBytes", "lots"),
                Arguments.of(c, Map.of("maxBytes", "-5"), Map.of(), "maxBytes", "-5"),
                Arguments.of(c, Map.of(), Map.of("REQUEST_SIZE_LIMIT_KB", "1.5"), "REQUEST_SIZE_LIMIT_KB", "1.5"),
                Arguments.of(c, Map.of("pathLimits", "/up/*=10MB"), Map.of(), "pathLimits", "/up/*=10MB"),
                Arguments.of(c, Map.of("pathLimits", "up=10"), Map.of(), "pathLimits", "up"),
                Arguments.of(c, Map.of("maxParameters", "0"), Map.of(), "maxParameters", "0"),
                Arguments.of(c, Map.of("maxFormBytes", "2MB"), Map.of(), "maxFormBytes", "2MB"),
                Arguments.of(c, Map.of("maxbytes", "10"), Map.of(), "size", "maxbytes")));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badSettings")
    void badValuesFailInitNamingKeyAndValue(Container container, Map<String, String> params, Map<String, String> env,
            String key, String value) {
        try (LogCapture logs = LogCapture.of(RequestSizeLimitFilter.class)) {
            assertThatThrownBy(() -> start(container, new RequestSizeLimitFilter(env::get), params, null).close())
                    .isInstanceOf(Container.ContextFailedException.class);
            assertThat(logs.text()).contains("ERROR").contains(key).contains(value);
        }
    }

    /** Containers reject a malformed length first; an outer wrapper shows the filter's own check. */
    static Stream<Arguments> invalidLengths() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of(
                Arguments.of(c, List.of("abc")), Arguments.of(c, List.of("-1")), Arguments.of(c, List.of("")),
                Arguments.of(c, List.of("5", "6")), Arguments.of(c, List.of("5, 6")), Arguments.of(c, List.of("0x10"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidLengths")
    void answersAnInvalidContentLengthWith400(Container container, List<String> values) throws Exception {
        Filter fakeHeader = (req, res, chain) -> chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) req) {
            @Override
            public java.util.Enumeration<String> getHeaders(String name) {
                return "Content-Length".equalsIgnoreCase(name) ? Collections.enumeration(values) : super.getHeaders(name);
            }
        }, res);
        RequestSizeLimitFilter filter = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().build());
        try (RunningServer server = start(container, filter, Map.of(), fakeHeader)) {
            RawHttp.Response r = postWithLength(server, 5);

            RequestSizeLimitFilterTest.assertProblem(r, 400);
            assertThat(calls).hasValue(0);
            assertThat(filter.rejectedCount()).isEqualTo(1);
        }
    }

    /** What the containers answer themselves (their own error page, not problem+json). */
    @ParameterizedTest
    @EnumSource(Container.class)
    void containersRejectAMalformedContentLengthBeforeAnyFilter(Container container) throws Exception {
        try (RunningServer server = start(container, new RequestSizeLimitFilter(k -> null), Map.of(), null)) {
            for (String length : List.of("abc", "-1", "5\r\nContent-Length: 6")) {
                RawHttp.Response r = RawHttp.exchange(server.port(),
                        "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\nhello!");
                assertThat(r.status()).as(length).isEqualTo(400);
            }
            assertThat(calls).hasValue(0);
        }
    }

    /**
     * The shared tests run Tomcat with its defaults, where the filter's own abort stops the drain;
     * an operator may also set swallowAbortedUploads=false, and the two together must still answer
     * 413 and close at once.
     */
    @Test
    void tomcatClosesAtOnceWithSwallowAbortedUploadsOff() throws Exception {
        RequestSizeLimitFilter size = new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(1000).build());
        try (RunningServer server = Container.startTomcat(ctx -> {
            ctx.addFilter("size", size).addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("echo", echoLength()).addMapping("/*");
        }, context -> context.setSwallowAbortedUploads(false))) {
            for (boolean chunked : new boolean[] {true, false}) {
                try (RawHttp http = RawHttp.connect(server.port())) {
                    if (chunked) {
                        http.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
                        http.chunk(new byte[1001]);
                    } else {
                        http.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
                    }
                    RequestSizeLimitFilterTest.assertProblem(http.readResponse(), 413);
                    // Nothing more sent: a draining server would wait for the rest until the timeout.
                    assertThat(http.closedByServer()).as("chunked=" + chunked).isTrue();
                }
            }
        }
    }
}
