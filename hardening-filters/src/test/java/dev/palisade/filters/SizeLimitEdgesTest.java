package dev.palisade.filters;

import static dev.palisade.filters.RequestSizeLimitFilterTest.assertProblem;
import static dev.palisade.filters.RequestSizeLimitFilterTest.chunkedHead;
import static dev.palisade.filters.RequestSizeLimitFilterTest.filler;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.RequestSizeLimitFilterTest.Framing;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gaps found by mutation testing (PIT) of the size filter's container paths: behaviours that no
 * test held, each shown to fail with the mutant that removes it.
 */
class SizeLimitEdgesTest {
    private static final int LIMIT = 64 * 1024;

    @TempDir
    Path tempDir;

    /** Each way of asking for parameters alone, as an application calls one of them. */
    enum ParameterCall {
        GET_PARAMETER(req -> "a=" + req.getParameter("a")),
        GET_PARAMETER_VALUES(req -> "a=" + Arrays.toString(req.getParameterValues("a"))),
        GET_PARAMETER_NAMES(req -> "names=" + Collections.list(req.getParameterNames())),
        GET_PARAMETER_MAP(req -> "size=" + req.getParameterMap().size());

        final Function<HttpServletRequest, String> call;

        ParameterCall(Function<HttpServletRequest, String> call) {
            this.call = call;
        }
    }

    static Stream<Arguments> everyContainerAndParameterCall() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of(ParameterCall.values()).map(p -> Arguments.of(c, p)));
    }

    private RunningServer start(Container container, java.util.function.Consumer<ServletContext> servlets)
            throws Exception {
        return start(container, RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build(), servlets);
    }

    private RunningServer start(Container container, RequestSizeLimitFilter.Config config,
            java.util.function.Consumer<ServletContext> servlets) throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", new RequestSizeLimitFilter(config));
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            servlets.accept(ctx);
        });
    }

    /**
     * A form with a length, in a charset the JVM does not know, read through any one of the
     * parameter methods (not the map and then getParameter, as SizeLimitServlets' /params does, so
     * that one method's check covered for another's): 415, never the application's 500 (Jetty) nor
     * a form silently decoded in the container's default (Tomcat).
     * Kills: SizeLimitedRequest#getParameter / getParameterValues / getParameterNames /
     * getParameterMap without checkContainerFormCharset().
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndParameterCall")
    void anUnknownFormCharsetIs415WhicheverParameterMethodAloneIsCalled(Container container, ParameterCall call)
            throws Exception {
        try (RunningServer server = start(container, ctx -> ctx.addServlet("one", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String seen = call.call.apply(req);
                resp.setContentType("text/plain");
                resp.getWriter().write(seen);
            }
        }).addMapping("/one"))) {
            RawHttp.Response r = RequestSizeLimitFilterTest.post(server, Framing.LENGTH, "/one",
                    "application/x-www-form-urlencoded; charset=x-no-such", "a=1".getBytes(StandardCharsets.US_ASCII));

            assertProblem(r, 415);
        }
    }

    /**
     * getPart (not getParts) of a chunked body of another multipart type: refused with 415 before
     * the container parses it. Left to Tomcat, its own parser reads the body past the count.
     * Kills: SizeLimitedRequest#getPart without checkPartsCanBeRead().
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void getPartOfAnotherMultipartTypeWithoutLengthIs415(Container container) throws Exception {
        try (RunningServer server = start(container, ctx -> {
            ServletRegistration.Dynamic reg = ctx.addServlet("part", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, ServletException {
                    Part part = req.getPart("file");
                    resp.setContentType("text/plain");
                    resp.getWriter().write("size=" + (part == null ? -1 : part.getSize()));
                }
            });
            reg.addMapping("/part");
            reg.setMultipartConfig(new MultipartConfigElement(tempDir.toString()));
        }); RawHttp http = server.raw()) {
            http.send(chunkedHead("/part", "multipart/mixed; boundary=XyZzy"));
            http.chunk(("--XyZzy\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int sent = 0; sent <= 2 * LIMIT; sent += 16 * 1024) {
                http.chunk(filler(16 * 1024));
            }
            http.chunk("\r\n--XyZzy--\r\n".getBytes(StandardCharsets.US_ASCII)).lastChunk();
            RawHttp.Response r = http.readResponse();

            assertProblem(r, 415);
        }
    }

    /**
     * After a no-argument startAsync(), a task that finds the cycle through the request's
     * getAsyncContext() (not the context startAsync returned) and reads its request is counted:
     * over the limit, 413. Kills: SizeLimitedRequest#getAsyncContext handing out the container's
     * context, whose request is the container's own, read around the count.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskReadingThroughTheRequestsGetAsyncContextIsCounted(Container container) throws Exception {
        try (RunningServer server = start(container, ctx -> {
            ServletRegistration.Dynamic reg = ctx.addServlet("later", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                    req.startAsync();
                    req.getAsyncContext().start(() -> {
                        AsyncContext async = req.getAsyncContext();
                        try {
                            int n = async.getRequest().getInputStream().readAllBytes().length;
                            async.getResponse().getWriter().write("read " + n);
                        } catch (IOException e) {
                            // The filter has answered 413 and completed the cycle.
                            return;
                        }
                        async.complete();
                    });
                }
            });
            reg.setAsyncSupported(true);
            reg.addMapping("/later");
        })) {
            assertThat(postChunked(server, "/later", LIMIT / 2).body()).isEqualTo("read " + LIMIT / 2);
            assertThat(postChunked(server, "/later", 4 * LIMIT).status()).isEqualTo(413);
        }
    }

    private static final int MAX_FORM_BYTES = 100;

    private static byte[] multipartField(int valueBytes) {
        return ("--XyZzy\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "x".repeat(valueBytes)
                + "\r\n--XyZzy--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void multipartParamServlets(ServletContext ctx) {
        ServletRegistration.Dynamic sync = ctx.addServlet("param", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String a = req.getParameter("a");
                resp.setContentType("text/plain");
                resp.getWriter().write("a.length=" + (a == null ? -1 : a.length()));
            }
        });
        sync.addMapping("/param");
        sync.setMultipartConfig(new MultipartConfigElement(tempDir.toString()));
        ServletRegistration.Dynamic async = ctx.addServlet("asyncParam", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext context = req.startAsync();
                context.setTimeout(20_000);
                context.start(() -> {
                    try {
                        String a = req.getParameter("a");
                        resp.setContentType("text/plain");
                        resp.getWriter().write("a.length=" + (a == null ? -1 : a.length()));
                    } catch (IOException | RuntimeException e) {
                        // The filter has answered 413 and completed the cycle.
                        return;
                    }
                    context.complete();
                });
            }
        });
        async.setAsyncSupported(true);
        async.addMapping("/asyncParam");
        async.setMultipartConfig(new MultipartConfigElement(tempDir.toString()));
    }

    /**
     * maxFormBytes is the most of a chunked multipart body's text fields decoded as parameters:
     * exactly that much is read, one byte more is 413 (the body itself is far within maxBytes).
     * Kills: SizeLimitedRequest#addBodyParameters "textBytes > maxFormBytes" as ">=".
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void multipartTextFieldsExactlyAtMaxFormBytesAreParameters(Container container) throws Exception {
        RequestSizeLimitFilter.Config config = RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT)
                .maxFormBytes(MAX_FORM_BYTES).build();
        try (RunningServer server = start(container, config, this::multipartParamServlets)) {
            String type = "multipart/form-data; boundary=XyZzy";
            RawHttp.Response at = RequestSizeLimitFilterTest.post(server, Framing.CHUNKED, "/param", type,
                    multipartField(MAX_FORM_BYTES));
            RawHttp.Response over = RequestSizeLimitFilterTest.post(server, Framing.CHUNKED, "/param", type,
                    multipartField(MAX_FORM_BYTES + 1));

            assertThat(at.status()).isEqualTo(200);
            assertThat(at.body()).isEqualTo("a.length=" + MAX_FORM_BYTES);
            assertProblem(over, 413);
        }
    }

    /**
     * The same overflow in an asynchronous task: the filter answers 413 and completes the cycle
     * itself, as for a stream read past the limit (no one else would: the task's exception goes
     * nowhere, and the client waited for the async timeout). Kills: SizeLimitedRequest#addBodyParameters
     * without overflowHandler.overflowed(this).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void multipartTextFieldsPastMaxFormBytesInAnAsyncTaskAre413(Container container) throws Exception {
        RequestSizeLimitFilter.Config config = RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT)
                .maxFormBytes(MAX_FORM_BYTES).build();
        try (RunningServer server = start(container, config, this::multipartParamServlets)) {
            String type = "multipart/form-data; boundary=XyZzy";
            RawHttp.Response within = RequestSizeLimitFilterTest.post(server, Framing.CHUNKED, "/asyncParam", type,
                    multipartField(10));
            long started = System.nanoTime();
            RawHttp.Response over = RequestSizeLimitFilterTest.post(server, Framing.CHUNKED, "/asyncParam", type,
                    multipartField(MAX_FORM_BYTES + 1));

            assertThat(within.body()).isEqualTo("a.length=10");
            assertProblem(over, 413);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("answered at once, not at the timeout")
                    .isLessThan(java.time.Duration.ofSeconds(10));
        }
    }

    /** Counted down when the container is done with a request (after it handled, and logged, what the chain threw). */
    private volatile java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    /** Reads the body as a stream or asks for a parameter, and lets any failure out, as most servlets do. */
    private void throwingServlets(ServletContext ctx) {
        ctx.addListener(new jakarta.servlet.ServletRequestListener() {
            @Override
            public void requestDestroyed(jakarta.servlet.ServletRequestEvent event) {
                ended.countDown();
            }
        });
        ctx.addServlet("readAll", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                int n = req.getInputStream().readAllBytes().length;
                resp.setContentType("text/plain");
                resp.getWriter().write("bytes=" + n);
            }
        }).addMapping("/readAll");
        ctx.addServlet("oneParam", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String a = req.getParameter("a");
                resp.setContentType("text/plain");
                resp.getWriter().write("a=" + a);
            }
        }).addMapping("/oneParam");
    }

    /**
     * A GET that declares a length over the limit is 413 before a byte is read, as any other
     * method: only a GET without a length skips the count. Kills: RequestSizeLimitFilter#doFilter
     * "declared == ABSENT && !mayHaveBody" as "declared != ABSENT && ...", which passed such a GET
     * to the application uncounted.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aGetDeclaringALengthOverTheLimitIs413BeforeReading(Container container) throws Exception {
        try (RunningServer server = start(container, this::throwingServlets);
                RawHttp http = server.raw()) {
            http.send("GET /readAll HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n");
            // No body: the answer must come before any is sent.
            RawHttp.Response r = http.readResponse();

            assertProblem(r, 413);
        }
    }

    /**
     * A client's oversized or malformed body that the application let out of service() is the
     * client's fault, answered by the filter: no ERROR and no stack trace in the server's log.
     * Kills: RequestSizeLimitFilter#answerAfterChain returning false after its 413 or its 400 was
     * written (the exception then went on to the container, which logged it as a server error).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientsBadBodyLetOutByTheApplicationIsNoServerError(Container container) throws Exception {
        try (RunningServer server = start(container, this::throwingServlets)) {
            try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                ended = new java.util.concurrent.CountDownLatch(1);
                RawHttp.Response tooLarge = postChunked(server, "/readAll", 4 * LIMIT);
                assertProblem(tooLarge, 413);
                assertNoServerError(logs);
            }
            try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                ended = new java.util.concurrent.CountDownLatch(1);
                RawHttp.Response malformed = RequestSizeLimitFilterTest.post(server, Framing.CHUNKED, "/oneParam",
                        "application/x-www-form-urlencoded", "a=%zz".getBytes(StandardCharsets.US_ASCII));
                assertProblem(malformed, 400);
                assertNoServerError(logs);
            }
        }
    }

    private void assertNoServerError(LogCapture logs) throws InterruptedException {
        // The container logs what escaped the chain before the request is destroyed, maybe after the answer left.
        assertThat(ended.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the request ended").isTrue();
        // Jetty tells requestDestroyed before its ServletChannel logs what escaped the chain: the
        // absence is checked over a bounded while too (the mutant's WARN came within milliseconds).
        org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(500)).atMost(java.time.Duration.ofSeconds(2))
                .until(() -> logs.events().stream().noneMatch(SizeLimitEdgesTest::serverError));
        assertThat(logs.events()).as("logged as a server error").noneMatch(SizeLimitEdgesTest::serverError);
    }

    private static boolean serverError(ch.qos.logback.classic.spi.ILoggingEvent e) {
        return e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)
                || (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN) && e.getThrowableProxy() != null);
    }

    /**
     * A ReadListener that drains the counted stream while isReady() says so, as the API asks: the
     * counting stream must say "not ready" once the bytes that came are read, or the next read on
     * an empty non-blocking stream fails (the application's onError, a 500) for any client that sends
     * its body in more than one piece. Kills: CountingInputStream#isReady returning true.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aReadListenerDrainingABodyThatComesInPiecesReadsItWhole(Container container) throws Exception {
        java.util.concurrent.CountDownLatch firstDrained = new java.util.concurrent.CountDownLatch(1);
        try (RunningServer server = start(container, ctx -> {
            ServletRegistration.Dynamic reg = ctx.addServlet("listener", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    AsyncContext async = req.startAsync();
                    jakarta.servlet.ServletInputStream in = req.getInputStream();
                    in.setReadListener(new jakarta.servlet.ReadListener() {
                        private final byte[] buf = new byte[8192];
                        private long total;

                        @Override
                        public void onDataAvailable() throws IOException {
                            while (in.isReady()) {
                                int n = in.read(buf);
                                if (n < 0) {
                                    return;
                                }
                                total += n;
                            }
                            firstDrained.countDown();
                        }

                        @Override
                        public void onAllDataRead() throws IOException {
                            resp.setContentType("text/plain");
                            resp.getWriter().write("async bytes=" + total);
                            async.complete();
                        }

                        @Override
                        public void onError(Throwable t) {
                            resp.setStatus(500);
                            async.complete();
                        }
                    });
                }
            });
            reg.setAsyncSupported(true);
            reg.addMapping("/listener");
        }); RawHttp http = server.raw()) {
            http.send("POST /listener HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            http.chunk(filler(1000));
            assertThat(firstDrained.await(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the listener drained the first piece and returned").isTrue();
            http.chunk(filler(1000)).lastChunk();
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("async bytes=2000");
        }
    }

    /**
     * A filter configured in code refuses an init-param at init() (its javadoc's promise): a
     * maxBytes given in web.xml, or to the registration, to a filter made with a Config must not be
     * silently ignored, leaving another limit in force than the operator wrote. Kills:
     * RequestSizeLimitFilter#init without Settings.requireNoInitParams.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterConfiguredInCodeRefusesAnInitParam(Container container) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size",
                    new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()));
            size.setInitParameter("maxBytes", "10485760");
            size.addMappingForUrlPatterns(null, false, "/*");
        }).close()).isInstanceOf(Container.ContextFailedException.class);
    }

    static RawHttp.Response postChunked(RunningServer server, String path, int bytes) throws IOException {
        try (RawHttp http = server.raw()) {
            http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = filler(8192);
            for (int sent = 0; sent < bytes; sent += chunk.length) {
                http.chunk(chunk);
            }
            http.lastChunk();
            return http.readResponse();
        }
    }
}
