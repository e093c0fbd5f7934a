package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import dev.palisade.filters.testing.ServletSetup;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;

/**
 * A client that stalls mid-body, or stops reading the response, until the connector's idle timeout
 * gives up on it: any client can do it at will, so it is no server error (Jetty's timeout had been a
 * 500 and an ERROR with a 6 KB stack per request, found by a review of what clients can make the kit
 * log). The connectors' timeouts are 1 s here.
 */
class StalledClientTest {
    private static final int IDLE_MILLIS = 1_000;

    /** {@code /read} reads the body; {@code /commit-read} commits first; {@code /big} writes 64 MiB. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getServletPath();
            if (path.equals("/commit-read")) {
                resp.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
                resp.flushBuffer();
            }
            if (path.equals("/big")) {
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 1024; i++) {
                    resp.getOutputStream().write(block);
                }
                return;
            }
            req.getInputStream().readAllBytes();
            resp.getOutputStream().write("read".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static RunningServer start(Container container) throws Exception {
        ServletSetup setup = ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            ctx.addServlet("app", new App()).addMapping("/read", "/commit-read", "/big");
        };
        return container == Container.JETTY ? Container.startJettyWithIdleTimeout(setup, IDLE_MILLIS)
                : Container.startTomcat("", setup, context -> { },
                        connector -> connector.setProperty("connectionTimeout", Integer.toString(IDLE_MILLIS)));
    }

    /**
     * Stalled mid-body before anything was written: on Jetty a 408 problem, the connection closed,
     * at DEBUG. Tomcat takes its read timeout for the client gone and sends its own page (see
     * docs/filters.md on its ErrorReportValve); it logs nothing either.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientStallingMidBodyIsNoServerError(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            String id = "stalls-" + container.name().toLowerCase(Locale.ROOT);
            RawHttp.Response r;
            try (RawHttp http = server.raw()) {
                r = http.send("POST /read HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                        + "\r\nContent-Length: 100\r\n\r\n0123").readResponse();
                if (container == Container.JETTY) {
                    assertThat(r.status()).isEqualTo(408);
                    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
                    assertThat(r.body()).contains("\"status\":408", id);
                } else {
                    assertThat(r.status()).isEqualTo(400);
                }
                assertThat(r.header("Connection")).isEqualTo("close");
            }
            assertQuiet(logs, id);
        }
    }

    /** Stalled mid-body once the application had committed: the connection breaks, nothing logged above DEBUG. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientStallingMidBodyAfterTheCommitIsNoServerError(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            String id = "stalls-after-commit-" + container.name().toLowerCase(Locale.ROOT);
            String received;
            try (RawHttp http = server.raw()) {
                // readAll fails if the server keeps the connection open past its 10 s bound.
                received = http.send("POST /commit-read HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                        + "\r\nContent-Length: 100\r\n\r\n0123").readAll();
            }
            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotContain("read")
                    .doesNotEndWith("0\r\n\r\n");
            assertQuiet(logs, id);
        }
    }

    /** A client that stops reading a large response: the write times out, the connection breaks, nothing logged above DEBUG. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aClientThatStopsReadingIsNoServerError(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            String id = "stops-reading-" + container.name().toLowerCase(Locale.ROOT);
            try (RawHttp http = server.raw()) {
                http.send("GET /big HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\n\r\n");
                // Reads nothing: the server's writes fill the socket buffers and wait until the timeout.
                assertQuiet(logs, id);
            }
        }
    }

    /** Waits (bounded) for the request's access line, then checks that nothing above DEBUG but counts was logged. */
    private static void assertQuiet(LogCapture logs, String id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> logs.events().stream()
                .anyMatch(e -> e.getLoggerName().equals(AccessLogFilter.DEFAULT_LOGGER)
                        && e.getFormattedMessage().endsWith("requestId=" + id)));
        assertThat(logs.events()).as("logged at WARN or above")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }
}
