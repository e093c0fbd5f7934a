package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chain's answers given before the application runs (401, 403, 429) to a request whose body
 * has not been read. Tomcat read and discarded such a body (up to {@code maxSwallowSize}) before
 * reusing the connection, holding a request thread for as long as the client took to send it: a
 * client that sent only the header fields held it for the connection timeout, and one that
 * trickled a byte now and then held it for good. Jetty closed the connection without saying so.
 * Found by the review of connection handling (no body was ever parsed as a request of its own).
 */
class EarlyAnswerConnectionTest {
    private static final String MANAGER = "manager-token-0123456789";

    static void deploy(ServletContext ctx) {
        Hardening.install(ctx, Hardening.builder()
                .rateLimit(RateLimitFilter.Config.builder().rps(0.01).burst(1).paths("/limited/*").build())
                .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(MANAGER, "acme", "manager")
                        .publicPath("/limited/*").rule(null, "/admin/*", "system").build())
                .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                        .devOnlyPaths("/dev/*").build())
                .build());
        ctx.addServlet("app", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                if (req.getRequestURI().startsWith("/nothing")) {
                    resp.sendError(404);
                    return;
                }
                if (req.getRequestURI().startsWith("/read-swallow")) {
                    try {
                        req.getInputStream().readAllBytes();
                    } catch (IOException brokenBody) {
                        resp.setStatus(422);
                        resp.getWriter().write("could not read the body");
                        return;
                    }
                }
                if (req.getRequestURI().startsWith("/read-wrap")) {
                    try {
                        req.getInputStream().readAllBytes();
                    } catch (IOException brokenBody) {
                        throw new IllegalStateException("the body could not be read");
                    }
                }
                if (req.getRequestURI().startsWith("/read")) {
                    resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
                    return;
                }
                resp.getWriter().write("app " + req.getRequestURI());
            }
        }).addMapping("/");
    }

    static Stream<Arguments> earlyAnswers() {
        return Stream.of(Container.values()).flatMap(container -> Stream.of(
                Arguments.of(container, "POST /api/x", "", 401),
                Arguments.of(container, "POST /admin/x", "Authorization: Bearer " + MANAGER + "\r\n", 403),
                Arguments.of(container, "POST /limited/x", "", 429)));
    }

    /** The answer says the connection closes, and it closes at once, the body never sent. */
    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("earlyAnswers")
    void anEarlyAnswerToARequestWithABodyClosesTheConnectionWithoutWaitingForIt(Container container, String requestLine,
            String fields, int status) throws Exception {
        try (RunningServer server = container.start(EarlyAnswerConnectionTest::deploy);
                LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            if (status == 429) {
                assertThat(RawHttp.exchange(server.port(), "GET /limited/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .status()).as("takes the one token").isEqualTo(200);
            }
            for (String framing : List.of("Content-Length: 1000", "Transfer-Encoding: chunked")) {
                try (RawHttp http = server.raw()) {
                    http.send(requestLine + " HTTP/1.1\r\nHost: x\r\n" + fields + framing + "\r\n\r\n");
                    RawHttp.Response r = http.readResponse();

                    assertThat(r.status()).as(framing).isEqualTo(status);
                    assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                    assertThat(r.header("Connection")).as(framing).isEqualTo("close");
                    assertThat(http.closedByServer()).as(framing + ": closed without waiting for the body").isTrue();
                }
            }
            assertThat(logs.events()).as("a rejection is no alarm").noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
                    || (e.getLevel().isGreaterOrEqual(Level.WARN) && !e.getLoggerName().startsWith("dev.palisade")));
        }
    }

    /**
     * A small body that came with its header fields (most do) is read at once and dropped: the
     * connection stays open for the next request, as it did before (the review of the first
     * version of this fix, which closed these too).
     */
    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("earlyAnswers")
    void anEarlyAnswerToASmallBodyThatHasArrivedKeepsTheConnection(Container container, String requestLine,
            String fields, int status) throws Exception {
        try (RunningServer server = container.start(EarlyAnswerConnectionTest::deploy); RawHttp http = server.raw()) {
            if (status == 429) {
                assertThat(RawHttp.exchange(server.port(), "GET /limited/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .status()).as("takes the one token").isEqualTo(200);
            }
            String body = "{\"name\":\"" + "x".repeat(2000) + "\"}";
            http.send(requestLine + " HTTP/1.1\r\nHost: x\r\n" + fields + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            RawHttp.Response first = http.readResponse();
            http.send("GET /api/x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response second = http.readResponse();

            assertThat(first.status()).isEqualTo(status);
            assertThat(first.header("Connection")).isNull();
            assertThat(second.status()).as("the body was not taken for the next request").isEqualTo(401);
        }
    }

    /**
     * A client that waits for {@code 100 Continue} before its body (curl, for larger bodies) gets the
     * early answer and the connection closes: it is not told to send a body the answer made useless
     * (reading to see whether the body had arrived made Jetty send a 100; Tomcat sends one at once).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anEarlyAnswerToAClientExpecting100ContinueClosesWithoutWaiting(Container container) throws Exception {
        try (RunningServer server = container.start(EarlyAnswerConnectionTest::deploy); RawHttp http = server.raw()) {
            http.send("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response r = http.readResponse();
            if (container == Container.TOMCAT) {
                assertThat(r.status()).as("Tomcat sends its 100 at once, before any filter runs").isEqualTo(100);
                r = http.readResponse();
            }

            assertThat(r.status()).as("no 100 asked for by the filter (the review: Jetty sent one)").isEqualTo(401);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    /** Without a body nothing is left unread: the connection stays open for the next request. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anEarlyAnswerToARequestWithoutABodyKeepsTheConnection(Container container) throws Exception {
        try (RunningServer server = container.start(EarlyAnswerConnectionTest::deploy); RawHttp http = server.raw()) {
            http.send("POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            RawHttp.Response first = http.readResponse();
            http.send("GET /api/x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response second = http.readResponse();

            assertThat(first.status()).isEqualTo(401);
            assertThat(first.header("Connection")).isNull();
            assertThat(second.status()).isEqualTo(401);
        }
    }

    /**
     * A chunk-size line that is not one, found while the application reads: a 400 (Jetty's the
     * problem; Tomcat's its own page, which showed the filter's abort with its stack, and then its
     * parser's exception with every frame of the chain; now the status and Tomcat's message only).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBrokenChunkFoundWhileTheApplicationReadsIsA400WithoutAStackTrace(Container container) throws Exception {
        try (RunningServer server = container.start(EarlyAnswerConnectionTest::deploy);
                LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            // The application reads; catches the failure and answers itself; or throws its own
            // exception without the read's as its cause (the last two found by review).
            for (String path : List.of("/read/x", "/read-swallow/x", "/read-wrap/x")) {
                RawHttp.Response r = RawHttp.exchange(server.port(), "POST " + path + " HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer " + MANAGER + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "zz\r\nabc\r\n0\r\n\r\n");

                assertThat(r.body()).as(path).doesNotContain("palisade", "Exception", "at org.", "Abort");
                if (container == Container.TOMCAT) {
                    assertThat(r.status()).as(path + ": Tomcat answers the broken body itself").isEqualTo(400);
                } else if (path.startsWith("/read/")) {
                    assertThat(r.status()).as(path).isEqualTo(400);
                    assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                } else if (path.startsWith("/read-wrap")) {
                    // On Jetty the application's own exception is a failure like any other.
                    assertThat(r.status()).as(path).isEqualTo(500);
                    assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
                }
            }
            assertThat(logs.events()).as("the client's mistake is no alarm (on Jetty, the application's failure is one)")
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                    .hasSize(container == Container.TOMCAT ? 0 : 1);
        }
    }

    /**
     * A dev-only path's 404 in prod must not be told from an unknown path's, a body or not: the
     * gate leaves the connection as the application's own 404 does.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aDevOnlyPathsAnswerToARequestWithABodyEndsTheConnectionAsAnUnknownPathsDoes(Container container)
            throws Exception {
        try (RunningServer server = container.start(EarlyAnswerConnectionTest::deploy)) {
            String[] answers = new String[2];
            int i = 0;
            for (String path : List.of("/dev/x", "/nothing/x")) {
                try (RawHttp http = server.raw()) {
                    http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MANAGER
                            + "\r\nContent-Length: 5\r\n\r\nhello");
                    RawHttp.Response r = http.readResponse();
                    String next;
                    try {
                        http.send("GET /nothing/next HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + MANAGER
                                + "\r\nConnection: close\r\n\r\n");
                        next = Integer.toString(http.readResponse().status());
                    } catch (IOException closed) {
                        next = "closed";
                    }
                    answers[i++] = r.status() + " connection=" + r.header("Connection") + " next=" + next
                            + " fields=" + r.headers().stream().map(h -> h[0]).sorted().toList();
                }
            }
            assertThat(answers[0]).startsWith("404").isEqualTo(answers[1]);
        }
    }
}
