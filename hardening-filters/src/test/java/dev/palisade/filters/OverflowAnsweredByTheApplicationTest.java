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
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application (a framework's async support) hands its own wrapper of the response to an async
 * dispatch whose read passes the limit, and answers the failure itself without committing: the
 * size filter's 413 replaces that answer, and nothing is logged above the rejection's count (Tomcat
 * refused the parts' release its response after the dispatch: a WARN with a stack per request;
 * found by review). An answer the application commits stays, and the connection breaks (see
 * docs/filters.md, "RequestSizeLimitFilter").
 */
class OverflowAnsweredByTheApplicationTest {
    private static final String SECRET = "password=hunter2";

    static Stream<Arguments> everyContainerAndAnswer() {
        return Stream.of(Container.values())
                .flatMap(c -> Stream.of("wrapped-async", "wrapped-async-writer")
                        .map(a -> Arguments.of(c, a)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndAnswer")
    void anOverflowTheApplicationAnswersUncommittedInAnAsyncDispatchIsA413(Container container, String answer) throws Exception {
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
            assertThat(http.closedByServer()).as("the rest of the body is not read").isTrue();
            assertThat(filter.rejectedCount()).isEqualTo(1);
            // The rejection's own count line aside, nothing is worth a warning.
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                    .filteredOn(e -> !e.getLoggerName().equals(RequestSizeLimitFilter.class.getName()))
                    .isEmpty();
        }
    }

    /**
     * The application gives up on the body and answers from an async task of its own: its answer
     * (a review found it an empty 200 behind an earlier version of the filter that muted the
     * application after an overflow).
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
            if (req.getDispatcherType() == DispatcherType.REQUEST) {
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
                switch (req.getRequestURI()) {
                    case "/wrapped-async" -> {
                        resp.setStatus(500);
                        resp.getOutputStream().write(body);
                    }
                    case "/wrapped-async-writer" -> {
                        // The kit's 413 then goes through the writer too.
                        resp.setStatus(500);
                        resp.getWriter().write(new String(body, StandardCharsets.UTF_8));
                    }
                    default -> throw e;
                }
                return;
            }
            resp.getWriter().write("read");
        }
    }
}
