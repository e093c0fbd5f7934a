package dev.palisade.filters;

import static dev.palisade.filters.RequestSizeLimitFilterTest.CHUNK;
import static dev.palisade.filters.RequestSizeLimitFilterTest.LIMIT;
import static dev.palisade.filters.RequestSizeLimitFilterTest.chunkedHead;
import static dev.palisade.filters.RequestSizeLimitFilterTest.filler;
import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application (a framework: Jersey maps the read's IOException to a complete 500) catches the
 * failure of a read past the limit and answers itself. The answer is still the filter's 413, and
 * the connection still ends without the rest of the body being read (found by review with
 * Dropwizard: the client got the framework's 500, and the filter, finding it committed, could only
 * break the connection after it).
 */
class OverflowAnsweredByTheApplicationTest {
    private static final String SECRET = "password=hunter2";
    private static final int LARGE = 100 * 1024;

    static Stream<Arguments> everyContainerAndAnswer() {
        return Stream.of(Container.values())
                .flatMap(c -> Stream.of("stream", "writer", "send-error", "large-stream", "large-writer", "println",
                        "wrapped-async", "wrapped-async-writer")
                        .map(a -> Arguments.of(c, a)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndAnswer")
    void anOverflowTheApplicationAnsweredItselfIsStillA413(Container container, String answer) throws Exception {
        RequestSizeLimitFilter filter = RequestSizeLimitFilterTest.filter();
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", filter);
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            ServletRegistration.Dynamic app = ctx.addServlet("app", new AnswersItsOwnFailure());
            app.setAsyncSupported(true);
            app.addMapping("/*");
        }); RawHttp http = server.raw()) {
            http.send(chunkedHead("/" + answer, "application/json"));
            for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                http.chunk(filler(CHUNK));
            }
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.body()).contains("\"status\":413").doesNotContain(SECRET).doesNotContain("\"code\"");
            assertThat(r.header("X-Error-Id")).isNull();
            assertThat(r.header("Set-Cookie")).isNull();
            assertThat(http.closedByServer()).as("the rest of the body is not read").isTrue();
            assertThat(filter.rejectedCount()).isEqualTo(1);
            // The rejection's own count line aside, nothing is worth a warning.
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                    .filteredOn(e -> !e.getLoggerName().equals(RequestSizeLimitFilter.class.getName()))
                    .isEmpty();
        }
    }

    /**
     * The application gives up on the body and answers from an async task of its own: its answer,
     * as without the filter (muted, it was an empty 200; found by review).
     */
    @ParameterizedTest
    @MethodSource("everyContainer")
    void anAsyncAnswerAfterTheOverflowIsTheApplications(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size", RequestSizeLimitFilterTest.filter());
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(null, false, "/*");
            ServletRegistration.Dynamic app = ctx.addServlet("app", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    try (InputStream in = req.getInputStream()) {
                        in.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        AsyncContext async = req.startAsync();
                        async.start(() -> {
                            try {
                                resp.setStatus(500);
                                resp.getWriter().write("app-answer");
                            } catch (IOException gone) {
                                throw new UncheckedIOException(gone);
                            }
                            async.complete();
                        });
                    }
                }
            });
            app.setAsyncSupported(true);
            app.addMapping("/*");
        }); RawHttp http = server.raw()) {
            http.send(chunkedHead("/x", "application/json"));
            for (int sent = 0; sent <= LIMIT; sent += CHUNK) {
                http.chunk(filler(CHUNK));
            }
            RawHttp.Response r = http.readResponse();

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEqualTo("app-answer");
        }
    }

    static Stream<Container> everyContainer() {
        return Stream.of(Container.values());
    }

    /** Reads the body; a failure is answered as a framework's exception mapper would. */
    static final class AnswersItsOwnFailure extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getRequestURI().startsWith("/wrapped-async") && req.getDispatcherType() == DispatcherType.REQUEST) {
                // A framework's async support hands its own wrapper of the response on (Spring MVC's
                // behind Spring Security's firewall): the kit's 413 in the next run goes through it.
                req.startAsync(req, new HttpServletResponseWrapper(resp)).dispatch();
                return;
            }
            byte[] buffer = new byte[8192];
            try (InputStream in = req.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // Read to the end.
                }
            } catch (IOException e) {
                byte[] body = ("{\"code\":500,\"message\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8);
                resp.setHeader("X-Error-Id", "f6a8fb896819764a");
                resp.addCookie(new jakarta.servlet.http.Cookie("session", "abc"));
                switch (req.getRequestURI()) {
                    case "/stream" -> {
                        resp.setStatus(500);
                        resp.setContentType("application/json");
                        resp.setContentLength(body.length);
                        resp.getOutputStream().write(body);
                        resp.flushBuffer();
                    }
                    case "/writer" -> {
                        resp.setStatus(500);
                        resp.setContentType("application/json");
                        resp.getWriter().print(new String(body, StandardCharsets.UTF_8));
                        resp.getWriter().println();
                        resp.getWriter().flush();
                    }
                    case "/large-stream" -> {
                        // More than either container's buffer: written through, it would commit.
                        resp.setStatus(500);
                        resp.getOutputStream().write(body);
                        resp.getOutputStream().write(filler(LARGE));
                    }
                    case "/large-writer" -> {
                        resp.setStatus(500);
                        resp.getWriter().write(new String(body, StandardCharsets.UTF_8));
                        resp.getWriter().write(new String(filler(LARGE), StandardCharsets.US_ASCII));
                    }
                    case "/println" -> {
                        // println's line separator does not pass through PrintWriter's write methods.
                        resp.setStatus(500);
                        for (int i = 0; i < LARGE; i++) {
                            resp.getWriter().println();
                        }
                    }
                    case "/wrapped-async" -> {
                        resp.setStatus(500);
                        resp.getOutputStream().write(body);
                    }
                    case "/wrapped-async-writer" -> {
                        // The kit's 413 then goes through the writer too, and its flush must not be muted.
                        resp.setStatus(500);
                        resp.getWriter().write(new String(body, StandardCharsets.UTF_8));
                    }
                    default -> resp.sendError(500, Arrays.toString(body));
                }
                return;
            }
            resp.getWriter().write("read");
        }
    }
}
