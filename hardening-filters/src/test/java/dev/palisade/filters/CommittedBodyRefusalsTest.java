package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;

/**
 * The size filter's own refusals of a body (parts asked of a body that is not multipart or has no
 * boundary, a charset the JVM does not know) after the application committed its response, on the
 * request thread or in a task: the client's doing, so the response is cut short (the connection
 * broken) at DEBUG. Each had been an ERROR with a stack per request, at any client's will; before
 * the commit the same requests get the size filter's 415 or 400 (a probe, 2026-12-07).
 */
class CommittedBodyRefusalsTest {
    /** Case name to the request's content type (the body is "hello"). */
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "parts-of-text", "text/plain",
            "parts-without-boundary", "multipart/form-data",
            "unknown-charset", "text/plain; charset=no-such-charset",
            "parts-of-text-in-task", "text/plain");

    /** Commits "partial", then reads the body as the case says and lets the failure out. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            resp.flushBuffer();
            String what = req.getPathInfo().substring(1);
            if (what.endsWith("-in-task")) {
                AsyncContext async = req.startAsync();
                async.start(() -> {
                    try {
                        readAsTheCaseSays(what, req, resp);
                    } catch (IOException | ServletException e) {
                        throw new IllegalStateException("could not read the body", e);
                    }
                    async.complete();
                });
                return;
            }
            readAsTheCaseSays(what, req, resp);
        }

        private static void readAsTheCaseSays(String what, HttpServletRequest req, HttpServletResponse resp)
                throws IOException, ServletException {
            String read = what.equals("unknown-charset") ? req.getReader().readLine() : "parts=" + req.getParts().size();
            resp.getOutputStream().write((" whole " + read).getBytes(StandardCharsets.US_ASCII));
        }
    }

    static Stream<Arguments> everyContainerAndCase() {
        return Stream.of(Container.values()).flatMap(container -> CONTENT_TYPES.keySet().stream().sorted()
                .map(what -> Arguments.of(container, what)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndCase")
    void aRefusedBodyAfterTheCommitCutsTheResponseShortQuietly(Container container, String what) throws Exception {
        String id = "refused-after-commit-" + container + "-" + what;
        String tmp = System.getProperty("java.io.tmpdir");
        try (RunningServer server = container.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null).build());
            ServletRegistration.Dynamic app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.setMultipartConfig(new MultipartConfigElement(tmp));
            app.addMapping("/c/*");
        }); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME); RawHttp http = server.raw()) {
            http.send("POST /c/" + what + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\nContent-Type: "
                    + CONTENT_TYPES.get(what) + "\r\nContent-Length: 5\r\n\r\nhello");
            String received = http.readAll();

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotContain("whole")
                    // No last chunk: the client can tell the response is incomplete.
                    .doesNotContain("\r\n0\r\n\r\n");
            // The kit's word for the refusal (an ERROR with the stack, before), after which nothing else is to come.
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(line -> line.contains("Request " + id) && line.contains("after its response was committed")));
            assertThat(logs.lines()).filteredOn(line -> line.contains("Request " + id))
                    .allMatch(line -> line.startsWith("DEBUG "));
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(e -> e.getLoggerName() + " " + e.getFormattedMessage())
                    .allMatch(line -> line.startsWith(RequestSizeLimitFilter.class.getName() + " Rejected"));
        }
    }
}
