package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.quarkusapp.QuarkusApp;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit on a real Quarkus with {@code quarkus-undertow} (Quarkus's own fork of Undertow on Vert.x
 * and Netty), a {@link QuarkusServer}. Asserted with raw sockets: how a connection ends, and what
 * Quarkus's log says.
 *
 * <p>What docs/filters.md says of Quarkus, checked here: Quarkus never breaks a connection by itself
 * (it ends a committed response cleanly, and reads a body left unread to its end), so the kit does.
 */
class QuarkusUndertowTest {
    private static final String LAST_CHUNK = "0\r\n\r\n";

    private static QuarkusServer quarkus;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        quarkus = QuarkusServer.start("quarkus-run");
        port = quarkus.port();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (quarkus != null) {
            quarkus.close();
        }
    }

    /**
     * A failure after the commit breaks the connection: no last chunk. Vert.x closes on its event
     * loop; before the kit awaited the close, Quarkus's last chunk went out first in 3 of 16 tries.
     */
    @Test
    void aFailureAfterTheCommitBreaksTheConnection() throws IOException {
        for (int i = 0; i < 12; i++) {
            try (RawHttp http = RawHttp.connect(port)) {
                String received = http.send(get("/throwcommitted?case=commit-" + i)).receivedUntilClosed();

                assertThat(received).as("try %d", i).startsWith("HTTP/1.1 200")
                        .contains("line 1999 of a response that will fail").doesNotEndWith(LAST_CHUNK);
            }
        }
    }

    /** An async timeout after the commit breaks the connection too. */
    @Test
    void anAsyncTimeoutAfterTheCommitBreaksTheConnection() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/asynctimeout?case=committed-timeout")).receivedUntilClosed();

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotEndWith(LAST_CHUNK);
        }
    }

    /**
     * An {@code AsyncContext.start} task failing after it committed: the connection is broken at once,
     * not at the cycle's timeout (30 s, past the client's 10 s read timeout).
     */
    @Test
    void aTaskFailingAfterTheCommitBreaksTheConnectionAtOnce() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            String received = http.send(get("/taskfails?case=task")).receivedUntilClosed();

            assertThat(received).startsWith("HTTP/1.1 200").contains("task started").doesNotEndWith(LAST_CHUNK);
        }
        String logged = awaitLogLine("GET /taskfails?case=task status=", from);
        assertThat(logged).contains("status=200");
        assertThat(logText().substring(from)).as("logged once by the kit")
                .containsOnlyOnce("the task failed after the commit");
    }

    /** A body read past the size limit after the commit breaks the connection. */
    @Test
    void aBodyOverTheLimitAfterTheCommitBreaksTheConnection() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /commitread?case=committed-overflow HTTP/1.1\r\nHost: quarkus\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 6 && !http.writeFailed(); i++) {
                http.chunk(chunk);
            }
            String received = http.receivedUntilClosed();

            assertThat(received).startsWith("HTTP/1.1 200").contains("started").doesNotContain("done")
                    .doesNotEndWith(LAST_CHUNK);
        }
    }

    /**
     * A chunked upload over the limit is answered 413 and no longer read: the connection is closed,
     * so the client's writes fail (Quarkus on its own read such a body to its end, gigabytes of it).
     */
    @Test
    void aChunkedUploadOverTheLimitIsStopped() throws IOException {
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /stream?case=upload HTTP/1.1\r\nHost: quarkus\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            int sent = 0;
            // 64 MiB at most: far more than the socket buffers on both sides hold.
            while (sent < 1024 && !http.writeFailed()) {
                http.chunk(chunk);
                sent++;
            }

            assertThat(http.writeFailed()).as("the upload stopped; chunks sent: %d", sent).isTrue();
            RawHttp.Response answer = http.readResponse();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        }
    }

    /**
     * The chain's answers that leave the body unread (413 on the declared length, 401 without a key):
     * the answer, then the connection closed; the request pipelined behind the body is not served.
     */
    @Test
    void anEarlyAnswerClosesTheConnection() throws IOException {
        String[][] requests = {
            {"413", "POST /stream?case=declared-too-large HTTP/1.1\r\nHost: quarkus\r\nContent-Length: 1000000\r\n\r\n"},
            {"401", "POST /private/stream?case=no-key HTTP/1.1\r\nHost: quarkus\r\nContent-Length: 3000\r\n\r\n"},
            {"401", "POST /private/stream?case=no-key-chunked HTTP/1.1\r\nHost: quarkus\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n"},
        };
        for (String[] request : requests) {
            try (RawHttp http = RawHttp.connect(port)) {
                http.send(request[1]).send("a".repeat(1000));
                long start = System.nanoTime();
                RawHttp.Response answer = http.readResponse();

                assertThat(answer.status()).as(request[1]).isEqualTo(Integer.parseInt(request[0]));
                assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
                assertThat(http.closedByServer()).as("closed: %s", request[1]).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    /**
     * A request pipelined behind a body the chain's answer left unread is neither answered nor run:
     * Quarkus reads the body to its end, and Vert.x starts on the next request as the answer ends. A
     * close asked for after the answer let it be answered (5 of 40 tries), and Vert.x ran it even
     * when the close came first (its access line, in about a third of the tries): the close is now
     * asked for as the answer ends, and the chain drops a request on a connection it closed.
     */
    @Test
    void aRequestPipelinedBehindAnUnreadBodyIsNeitherAnsweredNorRun() throws IOException {
        int from = logText().length();
        String body = "a".repeat(70_000);
        String next = "GET /stream?case=pipelined HTTP/1.1\r\nHost: quarkus\r\n\r\n";
        String[][] requests = {
            {"413", "POST /stream?case=unread-too-large HTTP/1.1\r\nHost: quarkus\r\nContent-Length: 70000\r\n\r\n"},
            {"401", "POST /private/stream?case=unread-no-key HTTP/1.1\r\nHost: quarkus\r\nContent-Length: 70000\r\n\r\n"},
        };
        for (String[] request : requests) {
            for (int i = 0; i < 20; i++) {
                try (RawHttp http = RawHttp.connect(port)) {
                    String received = http.send(request[1] + body + next).receivedUntilClosed();

                    assertThat(received).as("try %d: %s", i, request[1]).startsWith("HTTP/1.1 " + request[0])
                            .doesNotContain("stream 0");
                }
            }
        }
        awaitLogLine("POST /private/stream?case=unread-no-key status=401", from);
        assertThat(RawHttp.exchange(port, get("/stream?case=after-pipelined")).status()).isEqualTo(200);
        awaitLogLine("GET /stream?case=after-pipelined status=200", from);
        // The kit's count of rejections may come as a WARN: Quarkus's, Vert.x's or Netty's may not.
        assertThat(logText().substring(from)).as("run by the server").doesNotContain("case=pipelined", " ERROR ",
                "WARN  [io.");
    }

    /** A body cut short is the client's doing: a 400 if anything, and no ERROR or WARN in the log. */
    @Test
    void aBodyCutShortIsTheClientsFault() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /stream?case=cut-short HTTP/1.1\r\nHost: quarkus\r\nContent-Length: 1000\r\n\r\n"
                    + "a".repeat(50));
            String received = http.halfClose().receivedUntilClosed();

            // Vert.x closes the connection once it reads the end: the 400 then cannot be written.
            assertThat(received).satisfiesAnyOf(
                    answer -> assertThat(answer).isEmpty(),
                    answer -> assertThat(answer).startsWith("HTTP/1.1 400"));
        }
        assertQuietAbout("POST /stream?case=cut-short", from);
        assertThat(awaitLogLine("POST /stream?case=cut-short status=", from)).contains("status=400");
    }

    /** A chunk size Netty cannot read is the client's mistake: a 400 if anything, no ERROR or WARN. */
    @Test
    void aBrokenChunkSizeIsTheClientsFault() throws IOException {
        int from = logText().length();
        try (RawHttp http = RawHttp.connect(port)) {
            http.send("POST /stream?case=bad-chunk HTTP/1.1\r\nHost: quarkus\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\n");
            String received = http.receivedUntilClosed();

            assertThat(received).satisfiesAnyOf(
                    answer -> assertThat(answer).isEmpty(),
                    answer -> assertThat(answer).startsWith("HTTP/1.1 400"));
        }
        assertQuietAbout("POST /stream?case=bad-chunk", from);
        assertThat(awaitLogLine("POST /stream?case=bad-chunk status=", from)).contains("status=400");
    }

    /** A client leaving mid-download is no server failure: no ERROR or WARN in the log. */
    @Test
    void aClientLeavingMidDownloadIsQuiet() throws IOException {
        int from = logText().length();
        assertThat(RawHttp.readThenReset(port, get("/large?case=gone"), 256 * 1024)).isEqualTo(256 * 1024);

        assertQuietAbout("GET /large?case=gone", from);
    }

    /** The application's exception: a problem answer without its message, logged once, redacted, with the request id. */
    @Test
    void anExceptionIsAProblemWithoutItsDetail() throws IOException {
        int from = logText().length();
        RawHttp.Response answer = RawHttp.exchange(port, get("/throws?case=throws"));

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(answer.body()).contains("\"requestId\":\"" + answer.header("X-Request-Id") + "\"")
                .doesNotContain("secret", "IllegalStateException");
        awaitLogLine("GET /throws?case=throws status=500", from);
        String logged = logText().substring(from);
        assertThat(logged).containsOnlyOnce("secret detail j***@example.com").doesNotContain("jane@example.com")
                .contains(answer.header("X-Request-Id"));
    }

    /**
     * Over HTTP/2 (h2c, prior knowledge) a failure after the commit resets the request's stream with
     * CANCEL (Quarkus on its own ended it with END_STREAM), and only that stream: the next request on
     * the connection is answered.
     */
    @Test
    void overHttp2AFailureAfterTheCommitResetsTheStreamNotTheConnection() throws Exception {
        try (RawH2 h2 = new RawH2("127.0.0.1", port)) {
            RawH2.StreamResult thrown = h2.get(1, "/throwcommitted?case=h2-commit", 10_000);
            RawH2.StreamResult timedOut = h2.get(3, "/asynctimeout?case=h2-committed-timeout", 10_000);
            RawH2.StreamResult task = h2.get(5, "/taskfails?case=h2-task", 10_000);
            RawH2.StreamResult next = h2.get(7, "/stream?case=h2-after-resets", 10_000);

            assertThat(thrown.body()).startsWith("line 0 of a response that will fail");
            assertThat(timedOut.body()).isEqualTo("partial");
            assertThat(task.body()).isEqualTo("task started");
            for (RawH2.StreamResult failed : List.of(thrown, timedOut, task)) {
                assertThat(failed.status()).isEqualTo(200);
                assertThat(failed.reset()).as("RST_STREAM CANCEL; frames %s", failed.frames()).isEqualTo(8);
                assertThat(failed.frames()).noneMatch(RawH2.Frame::endStream);
            }
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("stream 0");
            assertThat(next.reset()).isNull();
            assertThat(next.goAway()).as("the connection carries on").isFalse();
        }
    }

    /** As on Jetty and Tomcat ({@code DispatchAuthorizationTest}): the application's dispatches meet the rules of their target. */
    @Test
    void theApplicationsDispatchesAreHeldToTheRulesOfTheirTarget() throws IOException {
        for (String path : List.of("/dispatch/forward", "/dispatch/async")) {
            RawHttp.Response refused = RawHttp.exchange(port, getWithKey(path, QuarkusApp.KEY));
            assertThat(refused.status()).as(path).isEqualTo(403);
            assertThat(refused.body()).as(path).contains("\"status\":403").doesNotContain("admin");
            assertThat(RawHttp.exchange(port, getWithKey(path, QuarkusApp.MANAGER_KEY)).body())
                    .as(path).isEqualTo("admin ops");
        }
        assertThat(RawHttp.exchange(port, getWithKey("/dispatch/include", QuarkusApp.KEY)).body())
                .isEqualTo("[page]");
        assertThat(RawHttp.exchange(port, getWithKey("/dispatch/include", QuarkusApp.MANAGER_KEY))
                .body()).isEqualTo("[page]admin ops");
    }

    private static String getWithKey(String path, String token) {
        return get(path).replace("\r\n\r\n", "\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    }

    private static String get(String path) {
        return QuarkusServer.get(path);
    }

    private static void assertQuietAbout(String request, int from) throws IOException {
        quarkus.assertQuietAbout(request, from);
    }

    private static String awaitLogLine(String text, int from) {
        return quarkus.awaitLogLine(text, from);
    }

    private static String logText() throws IOException {
        return quarkus.logText();
    }
}
