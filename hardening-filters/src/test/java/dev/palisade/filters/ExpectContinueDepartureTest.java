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
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;

/**
 * A client that sends {@code Expect: 100-continue} and resets its connection instead of the body,
 * read on the request thread or in a task: no server error. On Jetty the kit's 400 for the body's
 * early end met Jetty's {@code IllegalStateException "Committed"} (its 100 Continue), thrown on as
 * a WARN of Jetty's per request (in a task, of its pool, and the cycle left to its timeout), which
 * any client could repeat (a review, 2026-12-07).
 */
class ExpectContinueDepartureTest {
    private static final LatchesById ENTERED = new LatchesById();
    private static final LatchesById GONE = new LatchesById();
    private static final Map<String, List<String>> HEARD = new ConcurrentHashMap<>();

    /** Waits until the client has gone, then reads the body ({@code /task}: in a task) and lets the failure out. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String id = req.getHeader("X-Request-Id");
            ENTERED.of(id).countDown();
            try {
                if (!GONE.of(id).await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the client never left");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (req.getServletPath().equals("/task")) {
                AsyncContext async = req.startAsync();
                async.setTimeout(20_000);
                async.addListener(new EventRecordingListener(HEARD.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>())::add));
                async.start(() -> {
                    try {
                        req.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    async.complete();
                });
                return;
            }
            req.getInputStream().readAllBytes();
        }
    }

    static Stream<Arguments> everyContainerAndReader() {
        return Stream.of(Container.values()).flatMap(container -> Stream.of("/read", "/task")
                .map(path -> Arguments.of(container, path)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndReader")
    void aClientLeavingInsteadOfItsBodyIsNoServerError(Container container, String path) throws Exception {
        String id = "expect-gone-" + container + path.replace('/', '-');
        try (RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            ServletRegistration.Dynamic app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.addMapping("/read", "/task");
        }); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            try (RawHttp http = server.raw()) {
                http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                        + "\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n");
                assertThat(ENTERED.of(id).await(10, TimeUnit.SECONDS)).isTrue();
                http.reset();
            }
            GONE.of(id).countDown();
            if (container == Container.TOMCAT && path.equals("/task")) {
                // The kit's word for the failed read, from the task or the listener, whichever met it
                // first. Tomcat now and then leaves this cycle unended after the task path's
                // complete() (no listener called, no access line), as after an HTTP/2 reset (see
                // docs/filters.md); the connection is gone either way.
                await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                        .anyMatch(line -> line.startsWith("DEBUG Request " + id + " failed")));
            } else {
                // The access line: the exchange is over, and whatever the containers log of it is logged.
                await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                        .anyMatch(line -> line.endsWith("requestId=" + id)));
            }
            if (container == Container.JETTY && path.equals("/task")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> HEARD.get(id).contains("complete"));
            }
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(e -> e.getLoggerName() + " " + e.getFormattedMessage()).isEmpty();
        }
    }
}
