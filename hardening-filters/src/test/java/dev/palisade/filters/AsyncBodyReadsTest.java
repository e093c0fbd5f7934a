package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;

/**
 * Bodies read by async code: after a no-argument {@code startAsync()}, the container's context
 * hands async code the container's own request, whose reads went around the counting wrapper (the
 * usual {@code ac.start(() -> read(ac.getRequest()))} read any amount); and a task that fails on a
 * body over the limit is the client's doing, not an ERROR with a stack.
 */
class AsyncBodyReadsTest {
    private static final int LIMIT = 64 * 1024;

    /** Starts async without arguments and reads the body in a task through the context's request. */
    static final class ReadsThroughTheContext extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    int n = async.getRequest().getInputStream().readAllBytes().length;
                    async.getResponse().getWriter().write("read " + n);
                } catch (IOException e) {
                    // The filter has answered 413 and completed the cycle.
                    return;
                }
                async.complete();
            });
        }
    }

    /** Reads in a task through the request it was given, and lets the failure out, as lambdas do. */
    static final class ThrowsFromTheTask extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    if (req.getParameter("commit") != null) {
                        resp.getWriter().write("partial");
                        resp.flushBuffer();
                    }
                    resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                async.complete();
            });
        }
    }

    private static void servlets(ServletContext ctx) {
        ServletRegistration.Dynamic context = ctx.addServlet("context", new ReadsThroughTheContext());
        context.setAsyncSupported(true);
        context.addMapping("/context");
        ServletRegistration.Dynamic task = ctx.addServlet("task", new ThrowsFromTheTask());
        task.setAsyncSupported(true);
        task.addMapping("/task");
    }

    private static RunningServer sizeFilterAlone(Container container) throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size",
                    new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()));
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            servlets(ctx);
        });
    }

    private static RunningServer wholeChain(Container container) throws Exception {
        return container.start(ctx -> {
            Hardening.install(ctx, Hardening.builder().rateLimit(null)
                    .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()).build());
            servlets(ctx);
        });
    }

    private static RawHttp.Response postChunked(RunningServer server, String path, int bytes) throws IOException {
        try (RawHttp http = server.raw()) {
            http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[8192];
            Arrays.fill(chunk, (byte) 'x');
            for (int sent = 0; sent < bytes; sent += chunk.length) {
                http.chunk(chunk);
            }
            http.lastChunk();
            return http.readResponse();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskReadingThroughTheContextsRequestIsCounted(Container container) throws Exception {
        try (RunningServer server = sizeFilterAlone(container)) {
            assertThat(postChunked(server, "/context", LIMIT / 2).body()).isEqualTo("read " + LIMIT / 2);
            assertThat(postChunked(server, "/context", 4 * LIMIT).status()).isEqualTo(413);
        }
        try (RunningServer server = wholeChain(container)) {
            assertThat(postChunked(server, "/context", 4 * LIMIT).status()).isEqualTo(413);
        }
    }

    static Stream<Arguments> everyContainerBodyFaultAndCommit() {
        return Stream.of(Container.values()).flatMap(container -> Stream.of("cut short", "bad chunk")
                .flatMap(fault -> Stream.of(false, true).map(committed -> Arguments.of(container, fault, committed))));
    }

    /**
     * A task that reads a body the client cut short, or framed wrongly, and lets the container's
     * exception out: the client's doing, as on a request thread. It was a 500 and an ERROR with a
     * stack per request (Jetty always, Tomcat when its own thread came first, with an ERROR of
     * Tomcat's for the task's use of the cycle after that), and a WARN of Jetty's thread pool when
     * the answer could not be written. Found by an audit of what clients can make the log say.
     */
    @ParameterizedTest(name = "{0} {1} committed={2}")
    @MethodSource("everyContainerBodyFaultAndCommit")
    void aTaskFailingOnABrokenBodyIsTheClientsFault(Container container, String fault, boolean committed)
            throws Exception {
        String id = "broken-body-" + container + "-" + fault.replace(' ', '-') + "-" + committed;
        try (RunningServer server = wholeChain(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME);
                RawHttp http = server.raw()) {
            String head = "POST /task" + (committed ? "?commit" : "") + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                    + "\r\n";
            if (fault.equals("cut short")) {
                http.send(head + "Content-Length: 100\r\n\r\n0123456789").halfClose();
            } else {
                http.send(head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
            }
            String received = http.readAll();

            if (committed) {
                assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotEndWith("0\r\n\r\n");
            } else {
                // Tomcat's own page at most where its read failed (configure its ErrorReportValve):
                // without the read's exception, which it showed with every frame of the application.
                assertThat(received).startsWith("HTTP/1.1 400").doesNotContain("read ", "Exception", "at org.");
                if (container == Container.JETTY) {
                    assertThat(received).contains("application/problem+json", "\"status\":400");
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(line -> line.contains("requestId=" + id)));
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(line -> line.contains("in an asynchronous task on its client's malformed")));
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(e -> e.getLoggerName() + " " + e.getFormattedMessage()).isEmpty();
            if (!committed) {
                // Tomcat's own answer to the failed read (it reports the response committed) is not a
                // response the kit cut short.
                assertThat(logs.lines()).noneMatch(line -> line.contains(id) && line.contains("after its response was"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingOnABodyOverTheLimitIsNotLoggedAsAnError(Container container) throws Exception {
        try (RunningServer server = wholeChain(container); LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
            RawHttp.Response r = postChunked(server, "/task", 4 * LIMIT);

            assertThat(r.status()).isEqualTo(413);
            assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null))
                    .as("a client's oversized body logged with a stack").isEmpty();
        }
    }
}
