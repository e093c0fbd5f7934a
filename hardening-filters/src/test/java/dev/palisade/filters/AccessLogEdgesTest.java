package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Access-log behaviours that mutation testing (PIT) found untested through the container: the
 * status of an application's sendError, the size of a body written past the counting wrapper, and
 * a filter configured in code refusing init-params.
 */
class AccessLogEdgesTest {

    private RunningServer start(Container container) throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic reg = ctx.addFilter("access",
                    new AccessLogFilter(AccessLogFilter.Config.builder().build(), () -> 0L));
            reg.setAsyncSupported(true);
            reg.addMappingForUrlPatterns(null, false, "/*");
            ctx.addServlet("missing", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.sendError(404);
                }
            }).addMapping("/missing");
            ctx.addServlet("bypass", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    // As a framework or a static-file servlet that writes to the container's response.
                    ServletResponse raw = resp;
                    while (raw instanceof ServletResponseWrapper wrapper) {
                        raw = wrapper.getResponse();
                    }
                    byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
                    raw.setContentType("text/plain");
                    raw.setContentLength(body.length);
                    raw.getOutputStream().write(body);
                }
            }).addMapping("/bypass");
        });
    }

    private static RawHttp.Response get(RunningServer server, String target) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    /**
     * An application's sendError goes through the log's wrapper to the container: the client gets
     * the status, and the line says it. Kills: CountingResponse#sendError(int) without
     * super.sendError (uncovered before: no access-log test called sendError).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheStatusOfAnApplicationsSendError(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER); RunningServer server = start(container)) {
            RawHttp.Response r = get(server, "/missing");

            assertThat(r.status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(logs.lines().get(0)).startsWith("INFO GET /missing status=404 ");
        }
    }

    /**
     * A body written past the counting wrapper (to the container's response) is logged at its
     * Content-Length, as the class documents, not as 0 bytes. Kills: AccessLogFilter#bytes
     * returning 0 for the Content-Length, and "counted > 0" as ">= 0".
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsTheContentLengthOfABodyWrittenPastTheWrapper(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER); RunningServer server = start(container)) {
            RawHttp.Response r = get(server, "/bypass");

            assertThat(r.body()).isEqualTo("hello");
            await().atMost(Duration.ofSeconds(5)).until(() -> logs.lines().size() == 1);
            assertThat(logs.lines().get(0)).startsWith("INFO GET /bypass status=200 bytes=5 ");
        }
    }

    /**
     * A filter configured in code refuses any init-param, as one made with the no-argument
     * constructor does (a test held only that one). Kills: AccessLogFilter#init without
     * Settings.requireNoInitParams.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFilterConfiguredInCodeRefusesAnInitParam(Container container) {
        assertThatThrownBy(() -> container.start(ctx -> {
            FilterRegistration.Dynamic reg = ctx.addFilter("access",
                    new AccessLogFilter(AccessLogFilter.Config.builder().loggerName("custom.access").build()));
            reg.setInitParameter("loggerName", "other");
            reg.addMappingForUrlPatterns(null, false, "/*");
        }).close()).isInstanceOf(Container.ContextFailedException.class);
    }
}
