package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
