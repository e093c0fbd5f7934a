package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chain's early answers over HTTP/2 (h2c, prior knowledge, raw frames) to a request whose body
 * is still on its way: the answer arrives whole, and the stream is then reset with {@code NO_ERROR}
 * (RFC 9113, section 8.1), as Tomcat resets it when the application itself answers without reading
 * the body. On Tomcat, the abort that stops HTTP/1.1 from draining a body made it reset the stream as
 * an INTERNAL_ERROR; Jetty 12.1 resets such a stream with CANCEL. After either, curl (7.88) dropped
 * the complete answer in some tries ("stream 1 was not closed cleanly").
 */
class Http2EarlyAnswerTest {
    private static final String KEY = "mgr-0123456789abcdefXYZ";
    private static final int NO_ERROR = 0;

    static Stream<Arguments> answers() {
        return Stream.of(Container.values()).flatMap(container -> Stream.of(
                Arguments.of(container, "/echo/x", "100000", 413),
                Arguments.of(container, "/echo/x", "-1", 400),
                Arguments.of(container, "/api/things", "100000", 401)));
    }

    @ParameterizedTest(name = "{0} {1} content-length {2}")
    @MethodSource("answers")
    void theStreamEndsAsAfterTheApplicationsOwnEarlyAnswer(Container container, String path, String contentLength,
            int status) throws Exception {
        Integer[] resetCodes = new Integer[2];
        for (boolean chain : new boolean[] {true, false}) {
            RunningServer server = start(container, chain, status);
            try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
                h2.request(1, "POST", path, false, "content-length", contentLength, "x-request-id", "h2-early");
                h2.data(1, new byte[1000], false);

                RawH2.StreamResult answer = h2.await(1, 5_000);

                assertThat(answer.status()).as("chain=%s", chain).isEqualTo(status);
                if (chain) {
                    assertThat(answer.fields()).containsEntry("x-request-id", "h2-early")
                            .doesNotContainKey("connection");
                    assertThat(answer.body()).contains("\"status\":" + status);
                }
                resetCodes[chain ? 0 : 1] = h2.awaitReset(1, 5_000);
                if (chain) {
                    assertThat(resetAfterEndOfStream(h2)).as("the reset follows the answer's END_STREAM").isTrue();
                    if (container == Container.JETTY) {
                        assertThat(pingBetweenEndOfStreamAndReset(h2))
                                .as("Jetty: the reset waits for a PING sent after the answer (curl 7.88)").isTrue();
                    }
                }
                assertThat(answer.goAway()).as("chain=%s: the connection stays", chain).isFalse();
            } finally {
                stopAllowingJettysGraceToRunOut(server);
            }
        }
        assertThat(resetCodes[1]).as("the container resets a stream whose body was left unread").isNotNull();
        assertThat(resetCodes[0]).as("the first RST_STREAM after the chain's whole answer").isEqualTo(NO_ERROR);
        if (container == Container.TOMCAT) {
            assertThat(resetCodes[1]).as("Tomcat: as after the application's own answer").isEqualTo(NO_ERROR);
        }
    }

    /** A client waiting for {@code 100 Continue} before its body (Tomcat sends one anyway) is answered and reset with NO_ERROR. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Container.class)
    void aClientWaitingForContinueIsResetWithoutError(Container container) throws Exception {
        RunningServer server = start(container, true, 413);
        try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
            h2.request(1, "POST", "/echo/x", false, "content-length", "100000", "expect", "100-continue");

            RawH2.StreamResult answer = h2.await(1, 5_000);

            assertThat(answer.frames()).filteredOn(f -> f.type() == RawH2.HEADERS && f.fields() != null)
                    .extracting(f -> f.fields().get(":status")).last().isEqualTo("413");
            assertThat(h2.awaitReset(1, 5_000)).isEqualTo(NO_ERROR);
            assertThat(resetAfterEndOfStream(h2)).isTrue();
        } finally {
            stopAllowingJettysGraceToRunOut(server);
        }
    }

    /**
     * On Jetty, a client that never acknowledges the PING still has its stream reset with NO_ERROR,
     * once the PING is overdue ({@link PingGatedResets#DEADLINE_MILLIS}).
     */
    @org.junit.jupiter.api.Test
    void jettyResetsWithoutErrorOnceThePingIsOverdue() throws Exception {
        RunningServer server = start(Container.JETTY, true, 413);
        try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
            h2.acknowledgesPings = false;
            h2.request(1, "POST", "/echo/x", false, "content-length", "100000");
            h2.data(1, new byte[1000], false);

            assertThat(h2.await(1, 5_000).status()).isEqualTo(413);
            assertThat(h2.awaitReset(1, PingGatedResets.DEADLINE_MILLIS + 5_000)).isEqualTo(NO_ERROR);
            assertThat(pingBetweenEndOfStreamAndReset(h2)).isTrue();
        } finally {
            stopAllowingJettysGraceToRunOut(server);
        }
    }

    /**
     * Early answers one after another on one connection: Jetty counts each PING acknowledgement it
     * receives, with each reset it sends, against its rate control (128 a second by default), so the
     * gate sends at most one PING per {@link PingGatedResets#MIN_PING_INTERVAL_MILLIS}, the answers
     * in between waiting for it. With a PING per answer, 66 answers in 0.9 s closed the connection.
     */
    @org.junit.jupiter.api.Test
    void jettySendsAtMostTenPingsASecondForEarlyAnswersInARow() throws Exception {
        RunningServer server = start(Container.JETTY, true, 413);
        try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
            int last = 0;
            long started = System.nanoTime();
            for (int stream = 1; stream < 2 * 40; stream += 2) {
                h2.request(stream, "POST", "/echo/x", false, "content-length", "100000");
                h2.data(stream, new byte[1000], false);
                assertThat(h2.awaitFrame(stream, RawH2.HEADERS, 5_000)).as("stream %d answered", stream).isNotNull();
                last = stream;
            }
            assertThat(h2.awaitReset(last, PingGatedResets.DEADLINE_MILLIS + 5_000)).isEqualTo(NO_ERROR);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

            long pings = h2.all.stream().filter(f -> f.type() == RawH2.PING && (f.flags() & 1) == 0).count();
            assertThat(pings).as("PINGs in %d ms", elapsedMillis)
                    .isBetween(1L, 2 + elapsedMillis / PingGatedResets.MIN_PING_INTERVAL_MILLIS);
            assertThat(h2.all).filteredOn(f -> f.type() == RawH2.RST_STREAM).hasSize(40)
                    .allMatch(f -> f.errorCode() == NO_ERROR);
            assertThat(h2.all).noneMatch(f -> f.type() == RawH2.GOAWAY);
        } finally {
            stopAllowingJettysGraceToRunOut(server);
        }
    }

    /**
     * A client that hangs up after an early answer, before acknowledging the PING: the stream held for
     * it is let go when the connection closes, not at the PING's deadline 3 s later (each held stream
     * kept its closed session, about 30 KB, that long: 100 MB at 1,300 such connections a second).
     */
    @org.junit.jupiter.api.Test
    void jettyLetsGoOfAHeldStreamWhenTheClientHangsUp() throws Exception {
        RunningServer server = start(Container.JETTY, true, 413);
        try {
            int before = JettyStreamReset.heldStreams();
            try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
                h2.acknowledgesPings = false;
                h2.request(1, "POST", "/echo/x", false, "content-length", "100000");
                h2.data(1, new byte[1000], false);
                assertThat(h2.await(1, 5_000).status()).isEqualTo(413);
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2))
                        .until(() -> JettyStreamReset.heldStreams() == before + 1);
            }

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(PingGatedResets.DEADLINE_MILLIS / 2))
                    .until(() -> JettyStreamReset.heldStreams() == before);
        } finally {
            stopAllowingJettysGraceToRunOut(server);
        }
    }

    /**
     * A client that keeps opening uploads answered early and never acknowledges a PING: the server
     * holds at most {@link PingGatedResets#MAX_WAITING} of its streams for the gate; the next is
     * reset at once, not at the PING's deadline. Without the cap every stream would stay open (and
     * count against the connection's concurrent streams) until the deadline.
     */
    @org.junit.jupiter.api.Test
    void jettyHoldsAtMostThirtyTwoStreamsForAClientThatNeverAcknowledges() throws Exception {
        RunningServer server = start(Container.JETTY, true, 413);
        try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
            int before = JettyStreamReset.heldStreams();
            h2.acknowledgesPings = false;
            int streams = PingGatedResets.MAX_WAITING + 1;
            int last = 2 * streams - 1;
            for (int stream = 1; stream <= last; stream += 2) {
                h2.request(stream, "POST", "/echo/x", false, "content-length", "100000");
                h2.data(stream, new byte[1000], false);
                assertThat(h2.awaitFrame(stream, RawH2.HEADERS, 5_000)).as("stream %d answered", stream).isNotNull();
            }

            RawH2.Frame firstReset = h2.all.stream().filter(f -> f.type() == RawH2.RST_STREAM).findFirst()
                    .orElseGet(() -> awaitAnyReset(h2));
            assertThat(firstReset).as("a reset before the PING's deadline").isNotNull();
            assertThat(firstReset.stream()).as("the stream past the cap, reset at once").isEqualTo(last);
            assertThat(firstReset.errorCode()).isEqualTo(NO_ERROR);
            assertThat(JettyStreamReset.heldStreams() - before).isEqualTo(PingGatedResets.MAX_WAITING);

            assertThat(h2.awaitReset(1, PingGatedResets.DEADLINE_MILLIS + 5_000)).as("the held ones at the deadline")
                    .isEqualTo(NO_ERROR);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> h2.all.stream().filter(f -> f.type() == RawH2.RST_STREAM).count() == streams);
            assertThat(h2.all).filteredOn(f -> f.type() == RawH2.RST_STREAM).allMatch(f -> f.errorCode() == NO_ERROR);
            assertThat(h2.all).noneMatch(f -> f.type() == RawH2.GOAWAY);
        } finally {
            stopAllowingJettysGraceToRunOut(server);
        }
    }

    private static RawH2.Frame awaitAnyReset(RawH2 h2) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(PingGatedResets.DEADLINE_MILLIS))
                .until(() -> h2.all.stream().filter(f -> f.type() == RawH2.RST_STREAM).findFirst().orElse(null),
                        java.util.Objects::nonNull);
    }

    /** A request without a body (its stream half-closed by the client) is answered and not reset. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Container.class)
    void anEarlyAnswerToARequestWithoutABodyIsNotReset(Container container) throws Exception {
        RunningServer server = start(container, true, 401);
        try (RawH2 h2 = new RawH2("127.0.0.1", server.port())) {
            h2.request(1, "GET", "/api/things", true, "x-request-id", "h2-get");

            RawH2.StreamResult answer = h2.await(1, 5_000);

            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.body()).contains("\"status\":401");
            assertThat(answer.reset()).as("no RST_STREAM after the whole answer").isNull();
            // A second request on the connection, answered whole: the first stream's end was decided by then.
            h2.request(3, "GET", "/api/things", true);
            assertThat(h2.await(3, 5_000).status()).isEqualTo(401);
            assertThat(h2.all).noneMatch(f -> f.type() == RawH2.RST_STREAM || f.type() == RawH2.GOAWAY);
        } finally {
            stopAllowingJettysGraceToRunOut(server);
        }
    }

    /** Whether the server sent a PING after stream 1's END_STREAM and before its RST_STREAM. */
    private static boolean pingBetweenEndOfStreamAndReset(RawH2 h2) {
        boolean ended = false;
        boolean pinged = false;
        for (RawH2.Frame f : h2.all) {
            if (f.stream() == 1 && f.type() == RawH2.RST_STREAM) {
                return pinged;
            }
            ended |= f.stream() == 1 && f.endStream();
            pinged |= ended && f.type() == RawH2.PING && (f.flags() & 1) == 0;
        }
        return false;
    }

    /** Whether the RST_STREAM on stream 1 came after the answer's END_STREAM. */
    private static boolean resetAfterEndOfStream(RawH2 h2) {
        boolean ended = false;
        for (RawH2.Frame f : h2.all) {
            if (f.stream() != 1) {
                continue;
            }
            if (f.type() == RawH2.RST_STREAM) {
                return ended;
            }
            ended |= f.endStream();
        }
        return false;
    }

    /**
     * Stops the server, allowing for a race in Jetty 12.1's graceful stop: when the client has just
     * closed its connection, Jetty has ended the HTTP/2 session (closing, but never marked closed) yet
     * not removed it from the connector's session container, which is done later on the selector
     * thread. The stop's {@code HTTP2Session.shutdown()} then returns a future that nothing will
     * complete, and the stop runs out its 2 s. It is Jetty's, not the chain's: the baseline alone
     * (no filter) ran out 7 times in 300 stops, the chain's 401 4 in 150 (2026-12-06, a thread and
     * component dump taken during the wait: only the session container's future outstanding, no
     * request thread busy). The server is stopped all the same, and what this test checks was
     * asserted before.
     */
    private static void stopAllowingJettysGraceToRunOut(RunningServer server) throws Exception {
        try {
            server.close();
        } catch (java.util.concurrent.TimeoutException graceRanOut) {
            org.slf4j.LoggerFactory.getLogger(Http2EarlyAnswerTest.class)
                    .warn("Jetty's graceful stop ran out of time; the server stopped anyway", graceRanOut);
        }
    }

    private static RunningServer start(Container container, boolean chain, int status) throws Exception {
        return container.startWithH2c(ctx -> {
            if (chain) {
                Hardening.install(ctx, Hardening.builder()
                        .rateLimit(null)
                        .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(1024).pathLimit("/api/*", 1_000_000).build())
                        .apiKeyAuth(ApiKeyAuthFilter.Config.builder().key(KEY, "team", "manager")
                                .publicPath("/echo/*").build())
                        .build());
            }
            ctx.addServlet("app", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    if (!chain) {
                        // The baseline: the application answers the same status without reading the body.
                        resp.setStatus(status);
                        resp.setContentType("application/problem+json");
                        resp.getWriter().write("{\"status\":" + status + "}");
                        return;
                    }
                    resp.getWriter().write("bytes=" + req.getInputStream().readAllBytes().length);
                }
            }).addMapping("/");
        });
    }
}
