package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.EventRecordingListener;
import dev.palisade.filters.testing.LatchesById;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;

/**
 * A client that leaves during an async cycle, under the whole chain: the application's listeners
 * hear the end, and the container logs no WARN for the kit's answer to nobody. Found by a review
 * and an audit of what clients can make the log say (2026-12-07).
 */
class AsyncDepartureTest {
    /** What each request's listener heard, by request id. */
    static final Map<String, List<String>> HEARD = new ConcurrentHashMap<>();
    /** Counted down once the request's cycle has started (and, streaming, its first bytes are sent). */
    static final LatchesById STARTED = new LatchesById();

    /**
     * {@code /streams}: commits, starts the cycle and streams until a write fails, then lets the
     * failure out, in the {@code ASYNC} dispatch or ({@code ?here}) on the request thread.
     * {@code /times-out}: starts a cycle with a 500 ms timeout and never ends it. {@code /reads}
     * (POST): starts a cycle, then reads the body on the request thread and lets the failure out.
     */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String id = req.getHeader("X-Request-Id");
            AsyncContext async = req.startAsync();
            async.setTimeout(60_000);
            async.addListener(new EventRecordingListener(HEARD.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>())::add));
            STARTED.of(id).countDown();
            req.getInputStream().readAllBytes();
            async.complete();
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String id = req.getHeader("X-Request-Id");
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                streamUntilTheWriteFails(resp);
                return;
            }
            if (req.getServletPath().equals("/gone-before-commit")) {
                AsyncContext async = req.startAsync();
                async.addListener(new EventRecordingListener(HEARD.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>())::add));
                // As Jetty's HTTP/2 session fails a stream whose client has gone (before the commit, Jetty
                // raises its EofException for a departure only there: elsewhere it is a backend's).
                throw dev.palisade.filters.testing.SyntheticFrames.withFrames(
                        new java.nio.channels.ClosedChannelException(), "org.eclipse.jetty.http2.HTTP2Session$StreamsState",
                        "org.eclipse.jetty.http2.HTTP2Session");
            }
            if (req.getServletPath().equals("/times-out")) {
                AsyncContext async = req.startAsync();
                async.setTimeout(500);
                async.addListener(new EventRecordingListener(HEARD.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>())::add));
                STARTED.of(id).countDown();
                return;
            }
            resp.setContentType("text/plain");
            resp.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            resp.flushBuffer();
            AsyncContext async = req.startAsync();
            async.setTimeout(60_000);
            async.addListener(new EventRecordingListener(HEARD.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>())::add));
            STARTED.of(id).countDown();
            if (req.getParameter("here") != null) {
                streamUntilTheWriteFails(resp);
                return;
            }
            async.dispatch();
        }

        /** Writes until a write fails, bounded at 20 s; the failure leaves as it is. */
        private static void streamUntilTheWriteFails(HttpServletResponse resp) throws IOException {
            byte[] chunk = new byte[8192];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                resp.getOutputStream().write(chunk);
                resp.flushBuffer();
            }
            throw new IllegalStateException("the client's departure never failed a write");
        }
    }

    private static RunningServer start(Container container) throws Exception {
        return container.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            ServletRegistration.Dynamic app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.addMapping("/streams", "/times-out", "/reads", "/gone-before-commit");
        });
    }

    static Stream<Arguments> everyContainerAndRun() {
        return Stream.of(Container.values()).flatMap(container -> Stream.of("dispatched", "request thread")
                .map(run -> Arguments.of(container, run)));
    }

    /**
     * Jetty tells the listeners of a cycle whose connection broke under a streaming write nothing
     * (the write failed in the {@code ASYNC} dispatch) or only {@code onError} (on the thread that
     * started the cycle): the kit tells them the rest, once. Tomcat tells them itself, in its own
     * order ({@code [complete, error, complete]} for the dispatch, without the kit too).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndRun")
    void aClientLeavingMidStreamLeavesNoListenerWithoutItsEnd(Container container, String run) throws Exception {
        String id = "leaves-mid-stream-" + container + "-" + run.replace(' ', '-');
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            try (RawHttp http = server.raw()) {
                http.send("GET /streams" + (run.equals("dispatched") ? "" : "?here") + " HTTP/1.1\r\nHost: x\r\n"
                        + "X-Request-Id: " + id + "\r\n\r\n");
                assertThat(STARTED.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(http.readHeadResponse().status()).isEqualTo(200);
                http.reset();
            }
            List<String> heard = awaitTheEnd(server, logs, id);
            if (container == Container.JETTY) {
                assertThat(heard).containsExactly("error", "complete");
            } else {
                assertThat(heard.get(heard.size() - 1)).isEqualTo("complete");
            }
            assertNoWarning(logs);
        }
    }

    /**
     * A departure Jetty reports before anything was committed (its HTTP/2 session's): Jetty answers
     * it itself and tells the listeners {@code onComplete}, so the kit does not (it heard
     * {@code onComplete} twice with the kit telling it too, a probe found).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aDepartureBeforeTheCommitIsToldOnce(Container container) throws Exception {
        String id = "gone-before-commit-" + container;
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            RawHttp.exchange(server.port(), "GET /gone-before-commit HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                    + "\r\nConnection: close\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> HEARD.containsKey(id) && HEARD.get(id).contains("complete"));
            answerAnotherRequest(server);
            assertThat(HEARD.get(id)).containsOnlyOnce("complete").last().isEqualTo("complete");
        }
    }

    /**
     * A client that leaves mid-body while the thread that started the cycle reads it: the client's
     * fault (Jetty's early EOF), whose 400 problem cannot be written; Jetty aborts the response and
     * told the listeners only {@code onError}. Now the kit tells them the end too.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientLeavingMidBodyLeavesNoListenerWithoutItsEnd(Container container) throws Exception {
        String id = "leaves-mid-body-" + container;
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            try (RawHttp http = server.raw()) {
                http.send("POST /reads HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                        + "\r\nContent-Length: 60000\r\n\r\n0123456789");
                assertThat(STARTED.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                http.reset();
            }
            assertThat(awaitTheEnd(server, logs, id)).containsExactly("error", "complete");
            assertNoWarning(logs);
        }
    }

    /**
     * An async timeout after the client left: the kit's 500 has nobody to go to. Thrown out of the
     * kit's listener, it was a WARN of Jetty's per departed client ("... while invoking onTimeout
     * listener"), and the kit's {@code complete()} never ran. The timeout itself (the application
     * never ended its cycle) stays the kit's ERROR.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsyncTimeoutAfterTheClientLeftIsNoContainerWarning(Container container) throws Exception {
        String id = "times-out-after-leaving-" + container;
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            try (RawHttp http = server.raw()) {
                http.send("GET /times-out HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\n\r\n");
                assertThat(STARTED.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                http.reset();
            }
            List<String> heard = HEARD.get(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("complete"));
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(line -> line.endsWith("requestId=" + id)));
            assertThat(heard).containsExactly("timeout", "complete");
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                    && !e.getLoggerName().startsWith("dev.palisade.")).extracting(e -> e.getLoggerName() + " "
                    + e.getFormattedMessage()).isEmpty();
        }
    }

    /**
     * Waits (bounded) for the request's access line and its listener's {@code onError} and
     * {@code onComplete}, then for another request's answer, and returns what the listener heard:
     * once each, whatever comes later.
     */
    private static List<String> awaitTheEnd(RunningServer server, LogCapture logs, String id) throws IOException {
        List<String> heard = HEARD.get(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                .anyMatch(line -> line.endsWith("requestId=" + id)));
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("complete") && heard.contains("error"));
        answerAnotherRequest(server);
        return heard;
    }

    private static void answerAnotherRequest(RunningServer server) throws IOException {
        assertThat(RawHttp.exchange(server.port(), "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .status()).isEqualTo(404);
    }

    private static void assertNoWarning(LogCapture logs) {
        assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(e -> e.getLoggerName() + " " + e.getFormattedMessage()).isEmpty();
    }
}
