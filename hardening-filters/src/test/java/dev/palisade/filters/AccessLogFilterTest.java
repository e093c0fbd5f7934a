package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.ReturnLatch;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccessLogFilterTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(5_000 * MS);

    @ParameterizedTest
    @EnumSource(Container.class)
    void logsMethodPathStatusBytesDurationAndRequestIdButNoSecrets(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = start(container, ctx -> servlet(ctx, "/echo", new HttpServlet() {
                    @Override
                    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        req.getInputStream().readAllBytes();
                        clock.addAndGet(7 * MS);
                        resp.setStatus(201);
                        resp.setCharacterEncoding("UTF-8");
                        resp.getWriter().print("héllo");
                    }
                }))) {
            String body = "{\"password\":\"body-secret\"}";
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "POST /echo?page=2&token=tok-secret&email=a%40b.com HTTP/1.1\r\nHost: x\r\n"
                            + "X-Request-Id: rid-1\r\nAuthorization: Bearer auth-secret\r\nCookie: SESSION=cookie-secret\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body);

            assertThat(r.status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(logs.lines()).containsExactly(
                    "INFO POST /echo?page=2&token=***&email=*** status=201 bytes=6 durationMs=7 requestId=rid-1");
            assertThat(logs.text()).doesNotContain("secret", "password", "a%40b");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void countsOutputStreamBytesAndGivesEachResponseTheRequestId(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = start(container, ctx -> servlet(ctx, "/bin", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getOutputStream().write(new byte[1000]);
                        resp.getOutputStream().write(7);
                    }
                }))) {
            RawHttp.Response r = get(server, "/bin");

            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(r.bodyBytes()).hasSize(1001);
            assertThat(logs.lines().get(0)).matches("INFO GET /bin status=200 bytes=1001 durationMs=0 requestId=[0-9a-f]{32}")
                    .endsWith("requestId=" + r.header("X-Request-Id"));

            // HttpServlet answers HEAD with doGet on the real response; the container drops the body.
            RawHttp.Response head = RawHttp.exchange(server.port(),
                    "HEAD /bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 2);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.bodyBytes()).isEmpty();
            assertThat(logs.lines().get(1)).startsWith("INFO HEAD /bin status=200 bytes=0 ");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void encodedOrRawLineBreaksCannotForgeASecondLine(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = start(container, ctx -> servlet(ctx, "/*", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        resp.setStatus(204);
                    }
                }))) {
            // Jetty refuses encoded control characters in the path (400) before any filter runs;
            // Tomcat routes them. The query is never decoded for routing, so it reaches both.
            RawHttp.Response query = get(server, "/q?q=%0d%0aINFO%20GET%20/admin&x=1%0aWARN&y=%E2%80%A8");
            RawHttp.Response path = get(server, "/a%0d%0aINFO%20GET%20/admin%20status=200");
            RawHttp.Response rawCr = RawHttp.exchange(server.port(),
                    "GET /b?q=1\rINFO HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\nINFO\r\nConnection: close\r\n\r\n");
            RawHttp.Response control = RawHttp.exchange(server.port(),
                    "GET /c\u0085d?e=\u2028 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            // Logged decoded because something in it is masked: its spaces are encoded, the line stays one token.
            RawHttp.Response decoded = get(server, "/s?q=a+b+password%3Dx&n=1");
            long reached = Stream.of(query, path, rawCr, control, decoded).filter(r -> r.status() == 204).count();

            assertThat(query.status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == reached);
            for (String line : logs.lines()) {
                assertThat(line).doesNotContain("\n", "\r", "\u0085", "\u2028").startsWith("INFO GET /");
            }
            assertThat(logs.lines().get(0)).startsWith(
                    "INFO GET /q?q=%0d%0aINFO%20GET%20/admin&x=1%0aWARN&y=%E2%80%A8 status=204 ");
            if (path.status() == 204) {
                assertThat(logs.lines().get(1)).startsWith("INFO GET /a%0d%0aINFO%20GET%20/admin%20status=200 status=204 ");
            }
            assertThat(logs.lines().get(logs.lines().size() - 1)).startsWith("INFO GET /s?q=a%20b%20password=***&n=1 status=204 ");
        }
    }

    /** A target ending in an {@code @} (an address not yet written) is logged as it came, not a failure. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsATargetEndingInAnAtSign(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = start(container, ctx -> servlet(ctx, "/*", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        resp.setStatus(204);
                    }
                }))) {
            assertThat(get(server, "/users/bob@").status()).isEqualTo(204);
            assertThat(get(server, "/q?e=bob@&f=foo%40&n=%25252540").status()).isEqualTo(204);

            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 2);
            assertThat(logs.lines().get(0)).startsWith("INFO GET /users/bob@ status=204 ");
            assertThat(logs.lines().get(1)).startsWith("INFO GET /q?e=bob@&f=foo%40&n=%25252540 status=204 ");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheProblemStatusAndSizeWhenOutermostAndTheErrorWriterRunsInside(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = container.start(ctx -> {
                    addAccessLog(ctx);
                    ctx.addFilter("errors", new ErrorWriter()).addMappingForUrlPatterns(null, true, "/*");
                    failingServlet(ctx);
                })) {
            RawHttp.Response r = get(server, "/fail");

            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(r.status()).isEqualTo(500);
            assertThat(logs.lines().get(0)).contains(" status=500 bytes=" + r.bodyBytes().length + " ");
            assertThat(r.bodyBytes()).isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void logs500WhenTheChainThrowsWithTheErrorWriterOutside(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = container.start(ctx -> {
                    ctx.addFilter("errors", new ErrorWriter()).addMappingForUrlPatterns(null, false, "/*");
                    addAccessLog(ctx);
                    failingServlet(ctx);
                })) {
            RawHttp.Response r = get(server, "/fail");

            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(r.status()).isEqualTo(500);
            assertThat(logs.lines().get(0)).startsWith("INFO GET /fail status=500 ");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void logsAnAsyncRequestWhenItCompletes(Container container) throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = start(container, ctx -> async(ctx, new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        // startAsync(req, resp) keeps the filters' wrappers; the no-argument form hands
                        // the unwrapped response to the async code (Tomcat follows the spec here).
                        AsyncContext async = req.startAsync(req, resp);
                        worker.execute(() -> {
                            try {
                                clock.addAndGet(42 * MS);
                                async.getResponse().getOutputStream().write("later".getBytes(StandardCharsets.US_ASCII));
                                ((HttpServletResponse) async.getResponse()).setStatus(202);
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            } finally {
                                async.complete();
                            }
                        });
                    }
                }))) {
            RawHttp.Response r = get(server, "/async");

            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(r.body()).isEqualTo("later");
            assertThat(logs.lines().get(0)).startsWith("INFO GET /async status=202 bytes=5 durationMs=42 ");
        } finally {
            worker.shutdownNow();
            assertThat(worker.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * An async request that times out or fails after its response was committed is logged once,
     * with the status the client got: the error boundary aborts the connection (Jetty then never
     * completes the cycle, and no line came) and Tomcat's error handling sets a 500 the client never
     * sees (which the line showed).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsAnAsyncRequestThatFailsAfterCommittingWithTheStatusTheClientGot(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = container.start(ctx -> {
                    ReturnLatch.install(ctx);
                    Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
                    jakarta.servlet.ServletRegistration.Dynamic reg = ctx.addServlet("late", new HttpServlet() {
                        @Override
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            byte[] head = "head".getBytes(StandardCharsets.US_ASCII);
                            if (req.getParameter("plain") != null) {
                                // Past the wrappers: committed with a 404 the access log's wrapper never saw.
                                jakarta.servlet.AsyncContext async = req.startAsync();
                                async.setTimeout(300);
                                HttpServletResponse unwrapped = (HttpServletResponse) async.getResponse();
                                unwrapped.setStatus(404);
                                unwrapped.getOutputStream().write(head);
                                unwrapped.flushBuffer();
                                if (req.getParameter("task") != null) {
                                    // Fails once the request thread has left the filters.
                                    java.util.concurrent.CountDownLatch returned = ReturnLatch.of(req);
                                    async.start(() -> {
                                        try {
                                            returned.await(10, TimeUnit.SECONDS);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                        throw new IllegalStateException("task failed");
                                    });
                                }
                                return;
                            }
                            jakarta.servlet.AsyncContext async = req.startAsync(req, resp);
                            async.setTimeout(300);
                            if (req.getParameter("later") != null) {
                                // Committed on another thread, after the request thread returned; then it fails.
                                async.start(() -> {
                                    try {
                                        resp.getOutputStream().write(head);
                                        resp.flushBuffer();
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                    throw new IllegalStateException("task failed");
                                });
                                return;
                            }
                            resp.getOutputStream().write(head);
                            resp.flushBuffer();
                            resp.setStatus(404); // too late: the client has its 200
                            if (req.getParameter("task") != null) {
                                async.start(() -> {
                                    throw new IllegalStateException("task failed");
                                });
                            }
                        }
                    });
                    reg.setAsyncSupported(true);
                    reg.addMapping("/late");
                })) {
            for (String target : List.of("/late", "/late?task=1", "/late?later=1", "/late?plain=1",
                    "/late?plain=1&task=1")) {
                String received = RawHttp.receivedUntilClosed(server.port(),
                        "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(received).startsWith(target.contains("plain") ? "HTTP/1.1 404" : "HTTP/1.1 200");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> logs.lines().stream().anyMatch(line -> line.startsWith("INFO GET " + target + " ")));
            }
            assertThat(logs.lines()).hasSize(5);
            assertThat(logs.lines().subList(0, 3)).allMatch(line -> line.contains(" status=200 bytes=4 "));
            assertThat(logs.lines().subList(3, 5)).allMatch(line -> line.contains(" status=404 bytes=0 "));
        }
    }

    /**
     * An async task that redirects and then fails or never completes: the line has the redirect's status, also after
     * Servlet 6.1's {@code sendRedirect(String, int)}, which the 6.1 wrapper passes on past a wrapper
     * that only overrides {@code sendRedirect(String)}.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheRedirectAnAsyncTaskSentBeforeItFailed(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = container.start(ctx -> {
                    Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
                    jakarta.servlet.ServletRegistration.Dynamic reg = ctx.addServlet("moved", new HttpServlet() {
                        @Override
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                            AsyncContext async = req.startAsync(req, resp);
                            async.setTimeout(500);
                            boolean withStatus = req.getParameter("status") != null;
                            boolean idle = req.getParameter("idle") != null;
                            async.start(() -> {
                                try {
                                    if (withStatus) {
                                        resp.sendRedirect("/elsewhere", 303);
                                    } else {
                                        resp.sendRedirect("/elsewhere");
                                    }
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                                if (!idle) {
                                    throw new IllegalStateException("task failed");
                                }
                            });
                        }
                    });
                    reg.setAsyncSupported(true);
                    reg.addMapping("/moved");
                })) {
            // idle: never completed; the line is written when the timeout finds the response committed.
            List<String> targets = container.servlet61()
                    ? List.of("/moved", "/moved?idle=1", "/moved?status=303", "/moved?status=303&idle=1")
                    : List.of("/moved", "/moved?idle=1");
            for (String target : targets) {
                String received = RawHttp.receivedUntilClosed(server.port(),
                        "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String status = target.contains("303") ? "303" : "302";
                assertThat(received).startsWith("HTTP/1.1 " + status);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> logs.lines().stream().anyMatch(line -> line.startsWith("INFO GET " + target + " ")));
                assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO GET " + target + " "))
                        .singleElement().asString().contains(" status=" + status + " ");
            }
        }
    }

    /**
     * An async cycle that times out with nothing written is answered 500 by the error boundary: the
     * line says 500, also when the servlet had set another status before it started the cycle, and
     * after a no-argument startAsync() (the problem then goes to the container's own response).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheProblemAnAsyncTimeoutWasAnsweredWith(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = container.start(ctx -> {
                    Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
                    jakarta.servlet.ServletRegistration.Dynamic reg = ctx.addServlet("idle", new HttpServlet() {
                        @Override
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                            if (req.getParameter("accepted") != null) {
                                resp.setStatus(202);
                            }
                            AsyncContext async = req.getParameter("wrapped") != null ? req.startAsync(req, resp)
                                    : req.startAsync();
                            async.setTimeout(300);
                        }
                    });
                    reg.setAsyncSupported(true);
                    reg.addMapping("/idle");
                })) {
            for (String target : List.of("/idle", "/idle?accepted=1", "/idle?accepted=1&wrapped=1")) {
                String received = RawHttp.receivedUntilClosed(server.port(),
                        "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

                assertThat(received).as(target).startsWith("HTTP/1.1 500");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> logs.lines().stream().anyMatch(line -> line.startsWith("INFO GET " + target + " ")));
                assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO GET " + target + " ")).singleElement()
                        .asString().contains(" status=500 ");
            }
        }
    }

    /**
     * An application's own timeout listener that answers 503 and commits it on the container's
     * response (a no-argument startAsync() hands it that one, past the chain's wrappers): the line
     * says 503, also when the servlet had set 202 before it started the cycle, or a task had after
     * the request thread returned. A task that set 202, reset the response and committed 200 on the
     * container's response is logged 200.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheStatusAnApplicationsTimeoutListenerCommitted(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER);
                RunningServer server = container.start(ctx -> {
                    ReturnLatch.install(ctx);
                    Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
                    jakarta.servlet.ServletRegistration.Dynamic reg = ctx.addServlet("busy", new HttpServlet() {
                        @Override
                        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                            if (req.getParameter("accepted") != null) {
                                resp.setStatus(202);
                            }
                            AsyncContext async = req.startAsync();
                            async.setTimeout(300);
                            boolean reset = req.getParameter("reset") != null;
                            if (!reset) {
                                async.addListener(new AnswersTimeoutWith503());
                            }
                            if (req.getParameter("task") != null) {
                                CountDownLatch returned = ReturnLatch.of(req);
                                HttpServletResponse unwrapped = (HttpServletResponse) async.getResponse();
                                async.start(() -> {
                                    try {
                                        if (returned.await(10, TimeUnit.SECONDS)) {
                                            resp.setStatus(202);
                                            if (reset) {
                                                resp.reset();
                                                unwrapped.getWriter().write("ok");
                                                unwrapped.flushBuffer();
                                            }
                                        }
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
                            }
                        }
                    });
                    reg.setAsyncSupported(true);
                    reg.addMapping("/busy");
                })) {
            for (String target : List.of("/busy", "/busy?accepted=1", "/busy?task=1", "/busy?task=1&reset=1")) {
                String received = RawHttp.receivedUntilClosed(server.port(),
                        "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String status = target.contains("reset") ? "200" : "503";

                assertThat(received).as(target).startsWith("HTTP/1.1 " + status).contains(status.equals("200") ? "ok" : "busy");
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> logs.lines().stream().anyMatch(line -> line.startsWith("INFO GET " + target + " ")));
                assertThat(logs.lines()).filteredOn(line -> line.startsWith("INFO GET " + target + " ")).singleElement()
                        .asString().contains(" status=" + status + " ");
            }
        }
    }

    /** Answers a timeout itself on the cycle's response, committing it before completing. */
    static final class AnswersTimeoutWith503 implements jakarta.servlet.AsyncListener {
        @Override
        public void onTimeout(jakarta.servlet.AsyncEvent event) throws IOException {
            HttpServletResponse response = (HttpServletResponse) event.getAsyncContext().getResponse();
            response.setStatus(503);
            response.setContentType("text/plain");
            response.getWriter().write("busy");
            response.flushBuffer();
            event.getAsyncContext().complete();
        }

        @Override
        public void onComplete(jakarta.servlet.AsyncEvent event) {
            // Nothing held to release.
        }

        @Override
        public void onError(jakarta.servlet.AsyncEvent event) {
            // The timeout is the only outcome this listener answers.
        }

        @Override
        public void onStartAsync(jakarta.servlet.AsyncEvent event) {
            // One cycle only.
        }
    }

    /**
     * The line's status is what the client got: a problem an include wrote (its status never
     * reaches the response) before the servlet threw is not it (500).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsWhatTheClientGotAfterAnIncludedProblem(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER); RunningServer server = start(container, ctx -> {
            ctx.addServlet("fragment", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    ProblemResponse.of(403).send(req, resp);
                }
            }).addMapping("/fragment");
            servlet(ctx, "/including", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                    req.getRequestDispatcher("/fragment").include(req, resp);
                    throw new IllegalStateException("failed after the include");
                }
            });
        })) {
            assertThat(get(server, "/including").status()).isEqualTo(500);

            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().size() == 1);
            assertThat(logs.lines().get(0)).startsWith("INFO GET /including status=500 ");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failsToStartOnAnyInitParam(Container container) {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.class)) {
            assertThatThrownBy(() -> container.start(ctx -> {
                FilterRegistration.Dynamic reg = ctx.addFilter("access", new AccessLogFilter());
                reg.setInitParameter("logger", "x");
                reg.addMappingForUrlPatterns(null, false, "/*");
            }).close()).isInstanceOf(Container.ContextFailedException.class);
            // The value of an unknown init-param is not echoed (it could be a secret); the name is.
            assertThat(logs.lines()).containsExactly("ERROR Unknown init-param for access: \"logger\"");
        }
    }

    @org.junit.jupiter.api.Test
    void rejectsABlankLoggerName() {
        assertThatThrownBy(() -> AccessLogFilter.Config.builder().loggerName(" ").build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("loggerName");
        assertThat(AccessLogFilter.Config.builder().build().loggerName()).isEqualTo("dev.palisade.access");
    }

    private RunningServer start(Container container, dev.palisade.filters.testing.ServletSetup servlets) throws Exception {
        return container.start(ctx -> {
            addAccessLog(ctx);
            servlets.register(ctx);
        });
    }

    private void addAccessLog(ServletContext ctx) {
        FilterRegistration.Dynamic reg = ctx.addFilter("access",
                new AccessLogFilter(AccessLogFilter.Config.builder().build(), clock::get));
        reg.setAsyncSupported(true);
        reg.addMappingForUrlPatterns(null, false, "/*");
    }

    private static void servlet(ServletContext ctx, String mapping, HttpServlet servlet) {
        ctx.addServlet("s", servlet).addMapping(mapping);
    }

    private static void async(ServletContext ctx, HttpServlet servlet) {
        jakarta.servlet.ServletRegistration.Dynamic reg = ctx.addServlet("async", servlet);
        reg.setAsyncSupported(true);
        reg.addMapping("/async");
    }

    private static void failingServlet(ServletContext ctx) {
        ctx.addServlet("fail", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("partial");
                throw new IllegalStateException("db down for jane@example.com");
            }
        }).addMapping("/fail");
    }

    private static RawHttp.Response get(RunningServer server, String target) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    /** Stands in for SafeErrorFilter: turns an exception into the problem response. */
    private static final class ErrorWriter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            try {
                chain.doFilter(request, response);
            } catch (RuntimeException e) {
                ProblemResponse.of(500).send((HttpServletRequest) request, (HttpServletResponse) response);
            }
        }
    }
}
