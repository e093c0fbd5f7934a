package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.EventRecordingListener;
import dev.palisade.filters.testing.LatchesById;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawH2;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;

/**
 * An HTTP/2 client that resets its upload stream while an {@code AsyncContext.start} task reads
 * the body: the client's doing, whether the task lets the read's failure out or catches it and
 * completes. On Tomcat it had been about 1.5 ERROR lines a request (the kit's, as its listener did
 * not know Tomcat's reset; Tomcat's, for the task's use of the cycle after it): an audit of what
 * clients can make the log say.
 */
class Http2UploadResetTest {
    private static final LatchesById READING = new LatchesById();
    private static final LatchesById TASK_ENDED = new LatchesById();
    /** The failed read of {@code /fails-after}'s task, by request id. */
    private static final Map<String, Exception> READ_FAILED = new ConcurrentHashMap<>();
    /** Whether the task of {@code /fails-after} failed after its cycle had ended, by request id. */
    private static final Map<String, Boolean> FAILED_AFTER_THE_END = new ConcurrentHashMap<>();
    /** Requests whose task read the whole body nonetheless (Tomcat, now and then, after a reset). */
    private static final Map<String, Boolean> READ_IT_ALL = new ConcurrentHashMap<>();

    /**
     * Reads the body in a task; {@code /rethrows} lets the failure out, {@code /catches} completes,
     * {@code /fails-after} waits for the end of the cycle and then fails in its own way (a bug).
     */
    static final class TaskReads extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            String id = req.getHeader("X-Request-Id");
            AsyncContext async = req.startAsync();
            async.setTimeout(8_000);
            boolean rethrows = req.getServletPath().equals("/rethrows");
            boolean failsAfter = req.getServletPath().equals("/fails-after");
            CountDownLatch cycleEnded = new CountDownLatch(1);
            async.addListener(new EventRecordingListener(event -> {
                if (event.equals("complete")) {
                    cycleEnded.countDown();
                }
            }));
            async.start(() -> {
                if (failsAfter) {
                    readThenFailAfterTheEnd(req, cycleEnded, id);
                    return;
                }
                try {
                    READING.of(id).countDown();
                    resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
                    READ_IT_ALL.put(id, true);
                    async.complete();
                } catch (IOException e) {
                    if (rethrows) {
                        throw new UncheckedIOException(e);
                    }
                    async.complete();
                } finally {
                    TASK_ENDED.of(id).countDown();
                }
            });
        }
    }

    /**
     * Reads the body (Tomcat fails the read after a reset, or now and then ends the body there, or
     * recycles the request under it),
     * waits for the end of the cycle, at most 10 s, and fails in its own way: a bug of the task's.
     */
    private static void readThenFailAfterTheEnd(HttpServletRequest req, CountDownLatch cycleEnded, String id) {
        try {
            READING.of(id).countDown();
            try {
                req.getInputStream().readAllBytes();
            } catch (IOException | RuntimeException reset) {
                // Tomcat now and then recycles the request under the read once the cycle has
                // ended: a NullPointerException from its input stream (also without the kit).
                READ_FAILED.put(id, reset);
            }
            FAILED_AFTER_THE_END.put(id, cycleEnded.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            TASK_ENDED.of(id).countDown();
        }
        throw new IllegalArgumentException("the task's own failure " + id);
    }

    private static RunningServer start(Container container) throws Exception {
        return container.startWithH2c(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null)
                    .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(64 * 1024).build()).build());
            ServletRegistration.Dynamic tasks = ctx.addServlet("tasks", new TaskReads());
            tasks.setAsyncSupported(true);
            tasks.addMapping("/rethrows", "/catches", "/fails-after");
        });
    }

    static Stream<Arguments> everyContainerAndServlet() {
        return Stream.of(Container.values()).flatMap(container -> Stream.of("/rethrows", "/catches")
                .map(path -> Arguments.of(container, path)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndServlet")
    void aResetUploadIsNoServerError(Container container, String path) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            for (int i = 0; i < 3; i++) {
                String id = "h2-reset-" + container + path.replace('/', '-') + "-" + i;
                // One connection each: Tomcat answers a run of resets on one connection with GOAWAY
                // (its own flood protection, also without the kit).
                try (RawH2 client = new RawH2("127.0.0.1", server.port())) {
                    client.request(1, "POST", path, false, "content-type", "application/octet-stream",
                            "x-request-id", id);
                    client.data(1, new byte[4096], false);
                    assertThat(READING.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                    client.frame(RawH2.RST_STREAM, 0, 1, ByteBuffer.allocate(4).putInt(8).array());
                    assertThat(TASK_ENDED.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                    // Until the kit has handled the task's failure: the access line, or the kit's word for
                    // the reset (Tomcat does not always end the cycle after one: in about one try of
                    // five the task's complete() after its caught failure ended nothing, the async
                    // timeout neither; Tomcat's own, also without the kit: see docs/filters.md). Nothing more to wait for where the task handled its failure
                    // itself or read the body whole nonetheless (Tomcat, now and then).
                    await().atMost(Duration.ofSeconds(10)).until(() -> path.equals("/catches")
                            || READ_IT_ALL.containsKey(id)
                            || logs.lines().stream().anyMatch(line -> line.endsWith("requestId=" + id)
                                    || line.contains("Request " + id + " ended by the client")
                                    || line.contains("Request " + id + ": an asynchronous task ended by")));
                }
            }
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(e -> e.getLoggerName() + " " + e.getFormattedMessage()).isEmpty();
        }
    }

    /**
     * A reset client does not make a task's own failure (a bug, not a consequence of the reset)
     * quiet: it is the server's, an ERROR with its stack, once. The kit took any failure of a task
     * whose client had left for one that came of the departure (DEBUG). Tomcat only: Jetty tells
     * the cycle's listeners nothing of a reset stream, so the cycle lasts until the task ends it (a
     * failure of the task's own then, on a cycle not ended, is the 500 path's ERROR, tested elsewhere).
     */
    @Test
    void aTasksOwnFailureAfterTheResetStaysAnErrorOnTomcat() throws Exception {
        try (RunningServer server = start(Container.TOMCAT); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            String id = "h2-reset-then-bug";
            try (RawH2 client = new RawH2("127.0.0.1", server.port())) {
                client.request(1, "POST", "/fails-after", false, "content-type", "application/octet-stream",
                        "x-request-id", id);
                client.data(1, new byte[4096], false);
                assertThat(READING.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                client.frame(RawH2.RST_STREAM, 0, 1, ByteBuffer.allocate(4).putInt(8).array());
                assertThat(TASK_ENDED.of(id).await(15, TimeUnit.SECONDS)).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> !errorsNaming(logs, id).isEmpty());
            }
            assertThat(FAILED_AFTER_THE_END.get(id)).as("the task failed after the cycle's end").isTrue();
            assertThat(errorsNaming(logs, id)).singleElement().satisfies(e -> assertThat(e.getThrowableProxy()).isNotNull());
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(e -> e.getLoggerName() + " " + e.getFormattedMessage())
                    .containsExactly(SafeErrorFilter.class.getName() + " An asynchronous task failed after its client had left");
        }
    }

    /** The ERROR lines whose message or exception names {@code id}. */
    private static java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> errorsNaming(LogCapture logs, String id) {
        return logs.events().stream().filter(e -> e.getLevel() == Level.ERROR)
                .filter(e -> e.getFormattedMessage().contains(id) || (e.getThrowableProxy() != null
                        && String.valueOf(e.getThrowableProxy().getMessage()).contains(id)))
                .toList();
    }
}
