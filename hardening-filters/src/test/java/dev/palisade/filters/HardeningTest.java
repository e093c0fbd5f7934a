package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.AppErrorPage;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HardeningTest {
    private static final String TOKEN = "manager-token-0123456789";

    /** The application: one route, one dev-only route, and a "/" servlet answering unknown paths. */
    private static void app(ServletContext ctx) {
        ctx.addServlet("events", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getParameter("fail") != null) {
                    throw new IllegalStateException("db password leaked in exception text");
                }
                resp.setContentType("application/json");
                resp.getWriter().write("{\"team\":\"" + ApiKeyPrincipal.of(req).orElseThrow().team() + "\"}");
            }
        }).addMapping("/api/events");
        // Answers in a second, ASYNC dispatch of the same request, as AsyncContext.dispatch() does.
        var later = ctx.addServlet("later", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                    if (req.getParameter("to") != null) {
                        req.startAsync(req, resp).dispatch(req.getParameter("to"));
                    } else if (req.getParameter("bare") != null) {
                        // No arguments: the container dispatches its own request, not the chain's wrappers.
                        req.startAsync().dispatch();
                    } else {
                        req.startAsync(req, resp).dispatch();
                    }
                } else if (req.getParameter("fail") != null) {
                    throw new IllegalStateException("db password leaked in exception text");
                } else if (req.getParameter("bare") != null) {
                    resp.getWriter().write("principal=" + req.getUserPrincipal().getName() + " remoteUser="
                            + req.getRemoteUser() + " authType=" + req.getAuthType() + " manager="
                            + req.isUserInRole("manager"));
                } else {
                    resp.setContentType("application/json");
                    resp.getWriter().write("{\"team\":\"" + ApiKeyPrincipal.of(req).orElseThrow().team() + "\"}");
                }
            }
        });
        later.setAsyncSupported(true);
        later.addMapping("/api/later");
        var parts = ctx.addServlet("parts", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException,
                    jakarta.servlet.ServletException {
                resp.getWriter().write("parts=" + req.getParts().size());
            }
        });
        parts.addMapping("/api/parts");
        parts.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(System.getProperty("java.io.tmpdir")));
        ctx.addServlet("upload", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
            }
        }).addMapping("/api/upload");
        // Commits, then never completes: the async timeout fails a half-written response.
        var stalls = ctx.addServlet("stalls", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                req.startAsync(req, resp).setTimeout(100);
                resp.getWriter().write("partial");
                resp.flushBuffer();
            }
        });
        stalls.setAsyncSupported(true);
        stalls.addMapping("/api/stalls");
        ctx.addServlet("debug", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("debug trace");
            }
        }).addMapping("/api/debug/*");
        ctx.addServlet("resets", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setHeader("X-App", "1");
                resp.addHeader("Cache-Control", "max-age=60");
                resp.getWriter().write("before");
                resp.reset();
                resp.getWriter().write("after");
            }
        }).addMapping("/api/resets");
        ctx.addServlet("notFound", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendError(404);
            }
        }).addMapping("/");
    }

    private static Hardening.Config config(long burst) {
        return Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().rps(1).burst(burst).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*").build())
                .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(64).build())
                .build();
    }

    private static RunningServer start(Container container, AtomicReference<Hardening.Installed> installed)
            throws Exception {
        return start(container, installed, 100);
    }

    private static RunningServer start(Container container, AtomicReference<Hardening.Installed> installed, long burst)
            throws Exception {
        return container.start(ctx -> {
            installed.set(Hardening.install(ctx, config(burst)));
            app(ctx);
        });
    }

    private static String get(String path, boolean withKey) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n"
                + (withKey ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "Connection: close\r\n\r\n";
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void servesAnAuthenticatedRequestWithSecurityHeadersAndRequestId(Container container) throws Exception {
        AtomicReference<Hardening.Installed> installed = new AtomicReference<>();
        try (RunningServer server = start(container, installed)) {
            RawHttp.Response r = RawHttp.exchange(server.port(), get("/api/events", true));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"team\":\"acme\"}");
            assertThat(r.header("X-Request-Id")).isNotBlank();
            // The access log and the error boundary both ensure the id; the field is sent once.
            assertThat(r.headerValues("X-Request-Id")).hasSize(1);
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header(RateLimitFilter.RATE_LIMIT_POLICY)).as("quota fields only on 429 by default").isNull();
            assertThat(installed.get().describe()).isEqualTo(
                    "accessLog > safeError > securityHeaders > rateLimit > requestSizeLimit > apiKeyAuth > environmentGate");
        }
    }

    /**
     * reset() clears what the application set, not what the chain set before it: the request id
     * and the security fields (the default Cache-Control included, which the application had replaced).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aResetKeepsTheChainsFields(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>())) {
            RawHttp.Response r = RawHttp.exchange(server.port(), get("/api/resets", true));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("after");
            assertThat(r.header("X-App")).isNull();
            assertThat(r.headerValues("X-Request-Id")).hasSize(1);
            assertThat(r.headerValues("X-Content-Type-Options")).containsExactly("nosniff");
            assertThat(r.headerValues("X-Frame-Options")).containsExactly("DENY");
            assertThat(r.headerValues("Referrer-Policy")).containsExactly("no-referrer");
            assertThat(r.headerValues("Content-Security-Policy")).containsExactly("frame-ancestors 'none'");
            assertThat(r.headerValues("Cache-Control")).containsExactly("no-store");
        }
    }

    /** After a no-argument startAsync() the second run still sees the key's principal through the servlet API. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theServletApiKeepsThePrincipalAfterANoArgumentStartAsync(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>())) {
            RawHttp.Response r = RawHttp.exchange(server.port(), get("/api/later?bare=1", true));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("principal=acme remoteUser=acme authType=Bearer manager=true");
        }
    }

    /**
     * The chain is mapped for ASYNC dispatches too, so that the error boundary covers the servlet's
     * second run after {@code AsyncContext.dispatch()}; every other member has done its work on the
     * REQUEST dispatch and must not do it twice (count the request again, add header fields again).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void coversAnAsyncDispatchOnceAndAnswersItsFailureAsAProblem(Container container) throws Exception {
        AtomicReference<Hardening.Installed> installed = new AtomicReference<>();
        try (RunningServer server = start(container, installed, 3);
                LogCapture access = LogCapture.of("dev.palisade.access")) {
            RawHttp.Response first = RawHttp.exchange(server.port(), get("/api/later", true));
            RawHttp.Response second = RawHttp.exchange(server.port(), get("/api/later", true));
            RawHttp.Response failed = RawHttp.exchange(server.port(), get("/api/later?fail=1", true));

            // A burst of 3 admits exactly three requests, however many dispatches each one has.
            assertThat(first.status()).isEqualTo(second.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("{\"team\":\"acme\"}");
            assertThat(first.headerValues("X-Content-Type-Options")).containsExactly("nosniff");
            assertThat(first.headerValues("X-Request-Id")).hasSize(1);
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(failed.body()).doesNotContain("password").doesNotContain("IllegalStateException");
            assertThat(installed.get().rateLimits().get(0).rejectedCount()).isZero();
            // One access line per request, with its final status, however many dispatches it had.
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(access.lines()).filteredOn(l -> l.contains("GET /api/later")).hasSize(3));
            assertThat(access.text()).contains("requestId=" + first.header("X-Request-Id"))
                    .contains("status=500 ").contains("requestId=" + failed.header("X-Request-Id"));
        }
    }

    /**
     * A broken multipart body is a 400 whether the container parses it (a body with a length:
     * Tomcat's parser throws a FileUploadException, Jetty's a 400 HttpException) or the size filter
     * does (chunked). A part without a form-data name is refused by the filter's parser and Jetty's.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersABrokenMultipartBodyWith400WhicheverWayItIsFramed(Container container) throws Exception {
        String good = "--B\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n--B--\r\n";
        String unfinished = "--B\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
        String nameless = "--B\r\nContent-Type: text/plain\r\n\r\nv\r\n--B--\r\n";
        try (RunningServer server = start(container, new AtomicReference<>());
                LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            for (boolean chunked : new boolean[] {false, true}) {
                assertThat(postParts(server, good, chunked).body()).isEqualTo("parts=1");
                // Tomcat's own parser skips a nameless part; Jetty's and the filter's refuse it.
                boolean containerSkipsNameless = !chunked && container == Container.TOMCAT;
                for (String body : containerSkipsNameless ? List.of(unfinished) : List.of(unfinished, nameless)) {
                    RawHttp.Response r = postParts(server, body, chunked);
                    assertThat(r.status()).as("%s chunked=%s", body, chunked).isEqualTo(400);
                    assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                }
            }
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        }
    }

    private static RawHttp.Response postParts(RunningServer server, String body, boolean chunked) throws IOException {
        String framing = chunked
                ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n"
                : "Content-Length: " + body.length() + "\r\n\r\n" + body;
        return RawHttp.exchange(server.port(), "POST /api/parts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: multipart/form-data; boundary=B\r\nConnection: close\r\n" + framing);
    }

    /** In production a dev-only route stays hidden even when the application dispatches to it. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void hidesADevOnlyPathFromAnAsyncDispatchToo(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>())) {
            RawHttp.Response dispatched = RawHttp.exchange(server.port(), get("/api/later?to=/api/debug/trace", true));
            RawHttp.Response unknown = RawHttp.exchange(server.port(), get("/api/nothing-here", true));

            assertThat(dispatched.status()).isEqualTo(unknown.status()).isEqualTo(404);
            assertThat(withoutRequestId(dispatched.body())).isEqualTo(withoutRequestId(unknown.body()));
            assertThat(dispatched.body()).doesNotContain("debug trace");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void hidesADevOnlyPathExactlyAsAnUnknownPathWithAndWithoutAKey(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>())) {
            for (boolean withKey : new boolean[] {false, true}) {
                RawHttp.Response hidden = RawHttp.exchange(server.port(), get("/api/debug/trace", withKey));
                RawHttp.Response unknown = RawHttp.exchange(server.port(), get("/api/nothing-here", withKey));

                assertThat(hidden.status()).isEqualTo(unknown.status()).isEqualTo(withKey ? 404 : 401);
                assertThat(withoutRequestId(hidden.body())).isEqualTo(withoutRequestId(unknown.body()));
                assertThat(hidden.header("Content-Type")).isEqualTo(unknown.header("Content-Type"));
                assertThat(hidden.body()).doesNotContain("debug trace");
            }
        }
    }

    /** A HEAD gets the problem's status and fields, its length included, and no body: the connection carries on. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAHeadRequestWithTheProblemsFieldsAndNoBody(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>()); RawHttp http = server.raw()) {
            RawHttp.Response asGet = RawHttp.exchange(server.port(), get("/api/events", false));
            for (String path : new String[] {"/api/events", "/api/debug/x"}) {
                boolean withKey = path.startsWith("/api/debug");
                http.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n"
                        + (withKey ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "\r\n");
                RawHttp.Response head = http.readHeadResponse();

                assertThat(head.status()).as(path).isEqualTo(withKey ? 404 : 401);
                assertThat(head.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                assertThat(head.header("X-Content-Type-Options")).isEqualTo("nosniff");
                if (!withKey) {
                    assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(asGet.bodyBytes().length));
                }
            }
            // Nothing was left on the connection: the next answer is read from its first byte.
            http.send(get("/api/events", true));
            assertThat(http.readResponse().status()).isEqualTo(200);
        }
    }

    /** Tomcat would include the page after the half-written body; the chain's guard refuses that include. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void breaksAResponseThatTimesOutAfterCommitWithoutTheApplicationsErrorPage(Container container) throws Exception {
        AppErrorPage page = new AppErrorPage();
        try (RunningServer server = container.startWithErrorPage(ctx -> {
            Hardening.install(ctx, config(100));
            app(ctx);
            page.register(ctx);
        }, AppErrorPage.LOCATION); RawHttp http = server.raw()) {
            http.send("GET /api/stalls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
            String received = http.readAll();

            assertThat(received).startsWith("HTTP/1.1 200");
            // Nothing after the application's chunk: no page, no last chunk (the connection broke).
            assertThat(received.stripTrailing()).endsWith("\r\n7\r\npartial");
            assertThat(page.calls()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAnExceptionAsAProblemAndLogsTheAccessLineWithTheFinalStatus(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>());
                LogCapture access = LogCapture.of("dev.palisade.access")) {
            RawHttp.Response r = RawHttp.exchange(server.port(), get("/api/events?fail=1", true));

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(r.body()).doesNotContain("password").doesNotContain("IllegalStateException");
            // The line is written after the response is complete: wait for it, bounded.
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(access.text()).contains("GET /api/events").contains("status=500")
                            .contains("requestId=" + r.header("X-Request-Id")));
        }
    }

    /**
     * An exception whose getCause() throws, after the body was read: the whole chain answers the
     * problem and logs the application's exception as its class (found by review: the size filter's
     * own look at the causes threw, and the log named that failure instead).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsAnExceptionWhoseCauseCannotBeReadAsItsClassAfterABody(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, config(100));
            ctx.addServlet("fails", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    req.getInputStream().readAllBytes();
                    throw new UnreadableCause();
                }
            }).addMapping("/api/fails");
        }); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "POST /api/fails HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(logs.text(e -> e.getLevel() == Level.ERROR)).contains(UnreadableCause.class.getName()
                    + " [could not be read for logging").doesNotContain("no cause");
        }
    }

    /** An application's exception whose getCause() throws. */
    static final class UnreadableCause extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable getCause() {
            throw new IllegalStateException("no cause");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void rateLimitsBeforeAuthenticationSoKeyGuessingIsThrottled(Container container) throws Exception {
        AtomicReference<Hardening.Installed> installed = new AtomicReference<>();
        try (RunningServer server = start(container, installed, 3)) {
            List<Integer> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(RawHttp.exchange(server.port(), get("/api/events", false)).status());
            }
            RawHttp.Response limited = RawHttp.exchange(server.port(), get("/api/events", false));

            assertThat(statuses.subList(0, 3)).containsOnly(401);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(limited.header("Retry-After")).isNotBlank();
            assertThat(installed.get().rateLimits().get(0).rejectedCount()).isGreaterThanOrEqualTo(1);
            assertThat(installed.get().apiKeyAuth().orElseThrow().unauthorizedCount()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void limitsBodySizeBeforeTheApplicationReadsIt(Container container) throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>())) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "POST /api/events HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
                    + "x".repeat(100));

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void endsAnOversizedChunkedUploadWith413AndClosesWithoutDrainingOrAnAlarmInTheLog(Container container)
            throws Exception {
        try (RunningServer server = start(container, new AtomicReference<>());
                LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RawHttp http = server.raw()) {
            http.send("POST /api/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            // Past the 64-byte limit; the body's last chunk is never sent.
            http.chunk(new byte[100]);
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
            assertThat(http.closedByServer()).as("closed without waiting for the rest of the body").isTrue();
            // One rejection is no alarm: no ERROR from anyone, no WARN from the container.
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                    || (e.getLevel().isGreaterOrEqual(Level.WARN) && !e.getLoggerName().startsWith("dev.palisade")));
            // The access line has the answer the client got, though on Tomcat the request ends in an exception.
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(logs.text(e -> e.getLoggerName().equals("dev.palisade.access")))
                            .contains("POST /api/upload status=413 "));
        }
    }

    @Test
    void readsEveryFilterFromTheEnvironment() {
        Map<String, String> env = Map.of("ENV", "development", "REQUEST_SIZE_LIMIT_KB", "2",
                "RATE_LIMIT_RPS", "5", "RATE_LIMIT_BURST", "7", "API_KEYS", TOKEN + "@acme:manager");

        Hardening.Config config = Hardening.fromEnvironment(env::get).build();

        assertThat(config.environmentGate().mode()).isEqualTo(Environment.Mode.DEV);
        assertThat(config.sizeLimit().maxBytes()).isEqualTo(2048);
        assertThat(config.rateLimits()).singleElement().satisfies(rate -> {
            assertThat(rate.rps()).isEqualTo(5);
            assertThat(rate.burst()).isEqualTo(7);
        });
        assertThat(config.apiKeyAuth().keys().size()).isEqualTo(1);
    }

    @Test
    void keepsAuthenticationWithoutKeysWhenApiKeysIsUnsetOrBlankAndDefaultsToProd() {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("API_KEYS", " "))) {
            Hardening.Config config = Hardening.fromEnvironment(env::get).build();

            assertThat(config.apiKeyAuth()).as("authentication with %s", env).isNotNull();
            assertThat(config.apiKeyAuth().keys().size()).isZero();
            assertThat(config.apiKeyAuth().rules()).singleElement()
                    .satisfies(rule -> assertThat(rule.describeTarget() + "=" + rule.access()).isEqualTo("/health/*=PUBLIC"));
            assertThat(config.environmentGate().mode()).isEqualTo(Environment.Mode.PROD);
            assertThat(config.sizeLimit().maxBytes()).isEqualTo(1024 * 1024);
        }
    }

    /**
     * A service whose API_KEYS was forgotten must not open up: every request answers 401, and the
     * start-up log says why. Leaving authentication out takes a line of code.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aForgottenApiKeysRefusesEveryRequestUnlessCodeLeavesAuthenticationOut(Container container) throws Exception {
        Map<String, String> noKeys = Map.of();
        try (LogCapture logs = LogCapture.of(ApiKeyAuthFilter.class);
                RunningServer server = container.start(ctx -> {
                    Hardening.install(ctx, Hardening.fromEnvironment(noKeys::get).build());
                    app(ctx);
                })) {
            assertThat(RawHttp.exchange(server.port(), get("/api/debug/x", true)).status()).isEqualTo(401);
            assertThat(RawHttp.exchange(server.port(), get("/api/debug/x", false)).status()).isEqualTo(401);
            assertThat(logs.text()).contains("no API keys configured");
            // Health probes carry no key: /health is public (this application answers it 404), and so
            // is what lies below it, which the rate limiter's allowlist never limits either: a key
            // checked there could be guessed at without ever being slowed down (found by review).
            assertThat(RawHttp.exchange(server.port(), get("/health", false)).status()).isEqualTo(404);
            assertThat(RawHttp.exchange(server.port(), get("/health/live", false)).status()).isEqualTo(404);
        }
        try (RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, Hardening.fromEnvironment(noKeys::get).apiKeyAuth(null).build());
            app(ctx);
        })) {
            RawHttp.Response open = RawHttp.exchange(server.port(), get("/api/debug/x", false));
            assertThat(open.status()).isEqualTo(200);
            assertThat(open.body()).isEqualTo("debug trace");
        }
    }

    /**
     * Members' settings that each make sense but together weaken the chain are warned about when it
     * is installed: an allowlisted path that checks keys (guesses there are never slowed down), and a
     * dev-only path that is public (in prod its 404 without a key, where an unknown path gets 401,
     * shows it exists) or needs other roles than the paths beside it. The environment's defaults have none.
     */
    @Test
    void warnsAtInstallWhenTheMembersSettingsWeakenEachOther() {
        Hardening.Config weak = Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().allowlist(List.of("/health", "/metrics")).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health/*")
                        .publicPath("/api/QNA").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/qna", "/api/debug/*").build())
                .build();

        assertThat(ChainOverlaps.find(weak)).satisfiesExactly(
                allowlisted -> assertThat(allowlisted).contains("no rate limiter limits [/metrics, /metrics/*]"),
                dev -> assertThat(dev).contains("dev-only path /api/qna is public"));
        // The allowlist written as /x/*, a keyed rule below it, and a second limiter that does limit it.
        Hardening.Config below = Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().allowlist(List.of("/static/*")).build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/static/*")
                        .rule("POST", "/static/admin/*", "admin").build())
                .build();
        assertThat(ChainOverlaps.find(below)).singleElement().asString()
                .contains("no rate limiter limits [POST /static/admin/*]");
        Hardening.Config limitedElsewhere = Hardening.builder()
                .rateLimits(List.of(RateLimitFilter.Config.builder().allowlist(List.of("/static/*")).build(),
                        RateLimitFilter.Config.builder().rps(50).burst(100).allowlist(List.of()).build()))
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/static/*")
                        .rule("POST", "/static/admin/*", "admin").build())
                .build();
        assertThat(ChainOverlaps.find(limitedElsewhere)).isEmpty();
        // Another limiter that limits only GET there leaves POST guesses unslowed; one whose scope
        // is written with a trailing slash limits the path as the filter reads it.
        Hardening.Config getOnly = Hardening.builder()
                .rateLimits(List.of(RateLimitFilter.Config.builder().allowlist(List.of("/static")).build(),
                        RateLimitFilter.Config.builder().allowlist(List.of()).paths("GET /static/admin/*").build()))
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/static/*")
                        .rule("POST", "/static/admin/*", "admin").build())
                .build();
        assertThat(ChainOverlaps.find(getOnly)).singleElement().asString().contains("[POST /static/admin/*]");
        Hardening.Config slashScope = Hardening.builder()
                .rateLimits(List.of(RateLimitFilter.Config.builder().allowlist(List.of("/static")).build(),
                        RateLimitFilter.Config.builder().allowlist(List.of()).paths("/static/admin/").build()))
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/static/*")
                        .rule("POST", "/static/admin", "admin").build())
                .build();
        assertThat(ChainOverlaps.find(slashScope)).isEmpty();
        // A public prefix over a dev-only one, written in another case (the gate ignores case).
        Hardening.Config over = Hardening.builder()
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/API/Debug/*").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*").build())
                .build();
        assertThat(ChainOverlaps.find(over)).anySatisfy(w -> assertThat(w).contains("dev-only path /api/debug/* is public"));
        // ... but not where the paths beside it are public too (every unknown path there answers 404
        // without a key, as the dev-only one does; a review saw the warning with publicPath("/*")).
        for (String[] publicAndDev : new String[][] {{"/*", "/api/debug/*"}, {"/*", "/qna"}, {"/static/*", "/STATIC/x"}}) {
            Hardening.Config besidePublic = Hardening.builder()
                    .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager")
                            .publicPath(publicAndDev[0]).build())
                    .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                            .devOnlyPaths(publicAndDev[1]).build())
                    .build();
            assertThat(ChainOverlaps.find(besidePublic)).as(String.join(" ", publicAndDev))
                    .noneMatch(warning -> warning.contains("dev-only"));
        }
        // Public beside it for GET only: a POST without a key still answers 404 there and 401 beside it.
        Hardening.Config getBeside = Hardening.builder()
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/admin/*")
                        .rules("GET /*=public").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/admin/*").build())
                .build();
        assertThat(ChainOverlaps.find(getBeside)).anySatisfy(w -> assertThat(w).contains("dev-only path /admin/* is public"));
        // The whole application dev-only, /health public below it (answering 404 without a key where
        // the paths beside it answer 401): a review found the check threw at install, failing the start.
        Hardening.Config everything = Hardening.builder()
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/*").build())
                .build();
        assertThat(ChainOverlaps.find(everything)).anySatisfy(w -> assertThat(w).contains("dev-only path /* is public"));
        // A role rule of its own on a dev-only path: a key without the role gets 403 there and 404
        // beside it (found by review); one rule over both tells them apart no more.
        Hardening.Config roleOfItsOwn = Hardening.builder()
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health/*")
                        .rule(null, "/api/debug/*", "admin").rule("POST", "/api/qna", "admin").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*", "/api/qna").build())
                .build();
        assertThat(ChainOverlaps.find(roleOfItsOwn)).satisfiesExactly(
                debug -> assertThat(debug).contains("dev-only path /api/debug/* needs one of the roles [admin] for GET "
                        + "where an unknown path beside it needs any valid key"),
                qna -> assertThat(qna).contains("dev-only path /api/qna needs one of the roles [admin] for POST"));
        Hardening.Config oneRuleOverBoth = Hardening.builder()
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health/*")
                        .rule(null, "/api/*", "admin").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/debug/*", "/api/qna").build())
                .build();
        assertThat(ChainOverlaps.find(oneRuleOverBoth)).isEmpty();
        // A rule below the hidden prefix, or over it in other letters' case, tells it apart too.
        for (String rule : List.of("/api/debug/trace", "/API/Debug/*")) {
            Hardening.Config ruled = Hardening.builder()
                    .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(TOKEN, "acme", "manager").publicPath("/health/*")
                            .rule(null, rule, "admin").build())
                    .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                            .devOnlyPaths("/api/debug/*").build())
                    .build();
            assertThat(ChainOverlaps.find(ruled)).as(rule).singleElement().asString()
                    .contains("dev-only path /api/debug/* needs one of the roles [admin]");
        }
        assertThat(ChainOverlaps.find(Hardening.fromEnvironment(Map.of("API_KEYS", TOKEN + "@acme:manager")::get)
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/api/qna", "/api/debug/*").build())
                .build())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheOverlapsItFindsWhenItInstallsTheChain(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(Hardening.class);
                RunningServer server = container.start(ctx -> {
                    Hardening.install(ctx, Hardening.fromEnvironment(
                            Map.of("API_KEYS", TOKEN + "@acme:manager", "RATE_LIMIT_ALLOWLIST", "/health,/metrics")::get)
                            .build());
                    app(ctx);
                })) {
            assertThat(logs.text(e -> e.getLevel() == Level.WARN)).containsOnlyOnce("no rate limiter limits [/metrics");
        }
    }

    /** A refused install leaves nothing behind: an application that catches it serves without half a chain. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aRefusedInstallRegistersNothing(Container container) throws Exception {
        AtomicReference<Throwable> refused = new AtomicReference<>();
        try (RunningServer server = container.start(ctx -> {
            ctx.addFilter("palisade.errorPageGuard", (req, res, chain) -> chain.doFilter(req, res))
                    .addMappingForUrlPatterns(null, false, "/*");
            try {
                Hardening.install(ctx, config(100));
            } catch (IllegalStateException e) {
                refused.set(e);
            }
            app(ctx);
        })) {
            assertThat(refused.get()).hasMessageContaining("palisade.errorPageGuard");
            RawHttp.Response r = RawHttp.exchange(server.port(), get("/api/debug/x", false));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Content-Type-Options")).isNull();
            assertThat(r.header("X-Request-Id")).isNull();
        }
    }

    @Test
    void rejectsABadEnvironmentValueNamingTheVariable() {
        assertThatThrownBy(() -> Hardening.fromEnvironment(Map.of("RATE_LIMIT_BURST", "many")::get))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("RATE_LIMIT_BURST").hasMessageContaining("many");
    }

    private static String withoutRequestId(String body) {
        return body.replaceAll("\"requestId\":\"[^\"]*\"", "");
    }
}
