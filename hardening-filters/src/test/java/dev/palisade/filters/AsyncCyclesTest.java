package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.ReturnLatch;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;

/**
 * Async cycles through the whole chain, where the error boundary's tracked context and the size
 * limit's counted context (after a no-argument startAsync()) meet: found by a review of the change
 * that brought the counted context in.
 */
class AsyncCyclesTest {
    private static final int LIMIT = 64 * 1024;

    abstract static class Listener implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent e) {
            // Nothing to do on completion.
        }

        @Override
        public void onTimeout(AsyncEvent e) throws IOException {
            // Overridden where a test answers the timeout.
        }

        @Override
        public void onError(AsyncEvent e) {
            // Nothing to do on an error.
        }

        @Override
        public void onStartAsync(AsyncEvent e) {
            // Not re-added by default.
        }
    }

    /** First cycle startAsync(req, resp) and dispatch; the second run a long poll answering its own timeout. */
    static final class LongPollAfterDispatch extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            if (req.getDispatcherType() != DispatcherType.ASYNC) {
                req.startAsync(req, resp).dispatch();
                return;
            }
            AsyncContext async = req.startAsync();
            async.setTimeout(300);
            async.addListener(new Listener() {
                @Override
                public void onTimeout(AsyncEvent e) {
                    resp.setHeader("X-Same-Context", String.valueOf(e.getAsyncContext() == async));
                    resp.setStatus(204);
                    e.getAsyncContext().complete();
                }
            });
        }
    }

    /** A listener that follows the cycles (re-added in onStartAsync) and answers the current one's timeout. */
    static final class Follower extends Listener {
        volatile AsyncContext current;

        @Override
        public void onStartAsync(AsyncEvent e) {
            e.getAsyncContext().addListener(this);
        }

        @Override
        public void onTimeout(AsyncEvent e) {
            if (e.getAsyncContext() == current) {
                ((HttpServletResponse) current.getResponse()).setStatus(204);
                current.complete();
            }
        }
    }

    /** Two cycles; the second started without arguments, or with the application's own request wrapper. */
    static final class TwoCycles extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final boolean secondWrapped;

        TwoCycles(boolean secondWrapped) {
            this.secondWrapped = secondWrapped;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            if (req.getDispatcherType() != DispatcherType.ASYNC) {
                Follower follower = new Follower();
                req.setAttribute("follower", follower);
                AsyncContext async = req.startAsync();
                follower.current = async;
                async.addListener(follower);
                async.dispatch();
                return;
            }
            Follower follower = (Follower) req.getAttribute("follower");
            AsyncContext second = secondWrapped
                    ? req.startAsync(new jakarta.servlet.http.HttpServletRequestWrapper(req), resp) : req.startAsync();
            follower.current = second;
            second.setTimeout(300);
        }
    }

    /** A task whose backend call failed: Jetty HttpClient's EofException when a backend closes. */
    static final class BackendFailsInTask extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                throw new UncheckedIOException("inventory service call failed",
                        new org.eclipse.jetty.io.EofException("backend closed the connection"));
            });
        }
    }

    /**
     * The usual shape: read in a task, complete in finally. With arguments, Jersey's shape for an
     * async resource: {@code startAsync(request, response)}, the body read on another thread, and the
     * cycle completed once the answer is done, whatever it was.
     */
    static final class CompletesInFinally extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final boolean withArguments;

        CompletesInFinally(boolean withArguments) {
            this.withArguments = withArguments;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = withArguments ? req.startAsync(req, resp) : req.startAsync();
            async.start(() -> {
                try {
                    async.getRequest().getInputStream().readAllBytes();
                    async.getResponse().getWriter().write("ok");
                } catch (IOException e) {
                    // The filter has answered 413 and completed the cycle.
                    return;
                } finally {
                    async.complete();
                }
            });
        }
    }

    /** Commits past the wrappers on a task after the request thread returned, then fails. */
    static final class CommitsUnwrappedOnATaskThenFails extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.setTimeout(2000);
            HttpServletResponse unwrapped = (HttpServletResponse) async.getResponse();
            CountDownLatch returned = ReturnLatch.of(req);
            async.start(() -> {
                try {
                    returned.await(10, TimeUnit.SECONDS);
                    unwrapped.getOutputStream().write("head".getBytes(StandardCharsets.US_ASCII));
                    unwrapped.flushBuffer();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("task failed");
            });
        }
    }

    /**
     * A streamed answer whose task fails half-way: part of the body written and flushed, then an
     * exception whose message holds a secret. The async timeout is long (60 s), so that a client
     * answered only at the timeout is seen waiting. Started with or without arguments, with a
     * declared length or chunked; the application's listener notes the events it hears.
     */
    static final class StreamFailsOnATask extends HttpServlet {
        private static final long serialVersionUID = 1L;
        /** The events the application's listener heard, per request id. */
        static final java.util.Map<String, List<String>> HEARD = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            boolean withArguments = req.getParameter("arguments") != null;
            AsyncContext async = withArguments ? req.startAsync(req, resp) : req.startAsync();
            async.setTimeout(60_000);
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            HEARD.put(req.getHeader("X-Request-Id"), heard);
            async.addListener(new Recording(heard, req.getParameter("completes") != null));
            boolean withLength = req.getParameter("length") != null;
            async.start(() -> {
                try {
                    resp.setContentType("text/plain");
                    if (withLength) {
                        resp.setContentLength(1000);
                    }
                    resp.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
                    resp.flushBuffer();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("stream broke for password=hunter2");
            });
        }
    }

    /**
     * An application's listener that notes the events it hears (and an event without the request
     * and response of the cycle, which both containers supply), and may complete the cycle on an
     * error, as many do.
     */
    static final class Recording extends Listener {
        private final List<String> heard;
        private final boolean completesOnError;

        Recording(List<String> heard, boolean completesOnError) {
            this.heard = heard;
            this.completesOnError = completesOnError;
        }

        @Override
        public void onComplete(AsyncEvent e) {
            heard.add("complete" + unsupplied(e));
        }

        @Override
        public void onTimeout(AsyncEvent e) {
            heard.add("timeout" + unsupplied(e));
        }

        @Override
        public void onError(AsyncEvent e) {
            heard.add("error" + unsupplied(e));
            if (completesOnError) {
                // The usual error handler: must break nothing once the kit has ended the cycle.
                e.getAsyncContext().complete();
            }
        }

        private static String unsupplied(AsyncEvent e) {
            return e.getSuppliedRequest() == null || e.getSuppliedResponse() == null ? " without the request" : "";
        }
    }

    /**
     * A streamed answer that commits and then waits for nothing: its short async timeout (1 s)
     * finds the response committed, and the kit breaks the connection. The application's listener
     * notes the events it hears.
     */
    static final class CommitsThenTimesOut extends HttpServlet {
        private static final long serialVersionUID = 1L;
        /** The events the application's listener heard, per request id. */
        static final java.util.Map<String, List<String>> HEARD = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            AsyncContext async = req.startAsync();
            async.setTimeout(1_000);
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            HEARD.put(req.getHeader("X-Request-Id"), heard);
            async.addListener(new Recording(heard, false));
            resp.setContentType("text/plain");
            resp.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            resp.flushBuffer();
        }
    }

    /**
     * Commits a first piece, starts a cycle (60 s timeout; with the request and response it was given
     * if asked for {@code arguments}) whose listener notes what it hears, then
     * by its path info: {@code /throw} fails at once ({@code /complete-then-throw} and
     * {@code /dispatch-then-throw} once they ended the cycle), anything else is dispatched to
     * {@code /dispatched} + its path info, where {@code /fails} writes and fails, {@code /reads} reads
     * the body, and {@code /dev/*} is a dev-only path the environment gate refuses.
     */
    static final class CommitsThenDispatches extends HttpServlet {
        private static final long serialVersionUID = 1L;
        /** The events the application's listener heard, per request id. */
        static final java.util.Map<String, List<String>> HEARD = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            resp.flushBuffer();
            AsyncContext async = req.getParameter("arguments") != null ? req.startAsync(req, resp) : req.startAsync();
            async.setTimeout(60_000);
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            HEARD.put(req.getHeader("X-Request-Id"), heard);
            async.addListener(new Recording(heard, req.getParameter("completes") != null));
            if (req.getParameter("closes") != null) {
                async.addListener(new ClosesOnError());
            }
            if (req.getPathInfo().equals("/throw")) {
                throw new IllegalStateException("failed after starting the cycle");
            }
            if (req.getPathInfo().equals("/complete-then-throw")) {
                async.complete();
                throw new IllegalStateException("failed after completing the cycle");
            }
            if (req.getPathInfo().equals("/dispatch-then-throw")) {
                async.dispatch("/dispatched/ok");
                throw new IllegalStateException("failed after dispatching the cycle");
            }
            async.dispatch("/dispatched" + req.getPathInfo());
        }
    }

    /**
     * A listener that ends the response in {@code onError}, through the event's context and through
     * the response it was supplied: the response must still be cut short (on Jetty, which holds its
     * abort until the request's thread returns, the close sent the last chunk and the response looked
     * whole; the kit's listeners' responses now refuse output there).
     */
    static final class ClosesOnError extends Listener {
        @Override
        public void onError(AsyncEvent e) {
            close(() -> e.getAsyncContext().getResponse());
            close(e::getSuppliedResponse);
        }

        private static void close(java.util.function.Supplier<jakarta.servlet.ServletResponse> response) {
            try {
                jakarta.servlet.ServletResponse got = response.get();
                if (got != null) {
                    got.getOutputStream().close();
                }
            } catch (IllegalStateException | IOException refused) {
                // Refused, as it may be once the connection was broken (Tomcat refuses the context's
                // response after a dispatch).
            }
        }
    }

    /** The target of {@link CommitsThenDispatches}' dispatch. */
    static final class Dispatched extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getPathInfo().equals("/fails")) {
                resp.getOutputStream().write(" more".getBytes(StandardCharsets.US_ASCII));
                throw new IllegalStateException("failed in the dispatch");
            }
            if (req.getPathInfo().equals("/reads")) {
                req.getInputStream().readAllBytes();
            }
            resp.getOutputStream().write(" done".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static RunningServer wholeChain(Container container) throws Exception {
        return container.start(ctx -> {
            ReturnLatch.install(ctx);
            Hardening.install(ctx, Hardening.builder().rateLimit(null)
                    .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build())
                    .environmentGate(EnvironmentGateFilter.Config.builder().mode(Environment.Mode.PROD)
                            .devOnlyPaths("/dispatched/dev/*").build())
                    .build());
            add(ctx, new CommitsThenDispatches(), "/commit-then/*");
            add(ctx, new Dispatched(), "/dispatched/*");
            add(ctx, new LongPollAfterDispatch(), "/long-poll");
            add(ctx, new TwoCycles(false), "/two-cycles");
            add(ctx, new BackendFailsInTask(), "/backend");
            add(ctx, new CompletesInFinally(false), "/finally");
            add(ctx, new CompletesInFinally(true), "/finally-with-arguments");
            add(ctx, new CommitsUnwrappedOnATaskThenFails(), "/unwrapped");
            add(ctx, new StreamFailsOnATask(), "/stream-fails");
            add(ctx, new CommitsThenTimesOut(), "/times-out");
        });
    }

    /**
     * A failure after the commit that leaves the chain, where the container breaks the connection
     * for it: in the {@code ASYNC} dispatch of a cycle (the application's failure, a body over the
     * limit, the environment gate's refusal of the dispatch) or in the run that started the cycle
     * (also once it had completed or dispatched the cycle, which the abort overtakes). Jetty tells the cycle's listeners nothing, or only {@code onError}: the kit tells them the
     * rest, so that on both containers the listener hears the failure and the end, once each (an
     * application that frees a subscriber in {@code onComplete} would keep it for ever), also when it
     * completes the cycle in {@code onError}. Neither container logs a WARN line for it (Jetty did,
     * one per request, for the kit's stackless exceptions).
     */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.MethodSource("everyContainerAndFailureAfterCommitLeavingTheChain")
    void aFailureAfterTheCommitLeavingTheChainTellsTheApplicationsListenerOfTheEnd(Container container, String target)
            throws Exception {
        try (RunningServer server = wholeChain(container)) {
            String id = "leaves-" + container.name().toLowerCase(java.util.Locale.ROOT) + target.hashCode();
            String received;
            try (LogCapture access = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER)) {
                received = postWithoutContainerWarnings(server, target, id);
                // The access log has the request's line, once, with the status the client got.
                java.util.function.Supplier<List<String>> lines = () -> access.lines().stream()
                        .filter(line -> line.endsWith("requestId=" + id)).toList();
                await().atMost(Duration.ofSeconds(10)).until(() -> !lines.get().isEmpty());
                assertThat(lines.get()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                        .startsWith("INFO POST /commit-then/").contains(" status=200 ");
            }

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotContain("done")
                    .doesNotEndWith("0\r\n\r\n");
            List<String> heard = CommitsThenDispatches.HEARD.get(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("complete"));
            // Once each, whatever comes later: another request on the server has been answered since.
            assertThat(exchange(server, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status())
                    .isEqualTo(404);
            assertThat(heard).containsExactly("error", "complete");
        }
    }

    /**
     * The same where the application adds a boundary of its own inside the chain (a second
     * {@code SafeErrorFilter}: both kept the listener, and on Jetty it heard {@code onComplete}
     * twice), or maps the filters by hand with the size filter for {@code REQUEST} only (the body over
     * the limit read in the {@code ASYNC} dispatch, through the wrapper {@code startAsync(request,
     * response)} kept, reached the boundary as it came: a WARN of Jetty's, two ERRORs of Tomcat's).
     * Found by a review.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @org.junit.jupiter.params.provider.MethodSource("everyContainerOtherSetUpAndFailure")
    void aFailureAfterTheCommitIsToldOnceInOtherSetUps(Container container, String setUp, String target)
            throws Exception {
        try (RunningServer server = container.start(ctx -> {
            if (setUp.equals("inner boundary")) {
                Hardening.install(ctx, Hardening.builder().rateLimit(null)
                        .sizeLimit(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()).build());
                FilterRegistration.Dynamic inner = ctx.addFilter("inner", new SafeErrorFilter());
                inner.setAsyncSupported(true);
                inner.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), true, "/*");
            } else {
                FilterRegistration.Dynamic errors = ctx.addFilter("errors", new SafeErrorFilter());
                errors.setAsyncSupported(true);
                errors.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
                FilterRegistration.Dynamic size = ctx.addFilter("size",
                        new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()));
                size.setAsyncSupported(true);
                size.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            }
            add(ctx, new CommitsThenDispatches(), "/commit-then/*");
            add(ctx, new Dispatched(), "/dispatched/*");
        })) {
            String id = "other-" + container.name().toLowerCase(java.util.Locale.ROOT) + (setUp + target).hashCode();
            String received = postWithoutContainerWarnings(server, target, id);
            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotEndWith("0\r\n\r\n");
            List<String> heard = CommitsThenDispatches.HEARD.get(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("complete"));
            assertThat(exchange(server, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status())
                    .isEqualTo(404);
            assertThat(heard).containsExactly("error", "complete");
        }
    }

    /**
     * Posts to {@code target} a chunked body, over the limit for {@code /reads}, and returns all the
     * server sent, checking that the container logged no WARN line for it (Jetty logs what leaves the
     * chain before the abort the client sees).
     */
    private static String postWithoutContainerWarnings(RunningServer server, String target, String id)
            throws IOException {
        try (LogCapture all = LogCapture.of(Logger.ROOT_LOGGER_NAME); RawHttp http = server.raw()) {
            http.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            if (target.contains("/reads")) {
                http.chunk(new byte[LIMIT]).chunk(new byte[1]);
            } else {
                http.send("0\r\n\r\n");
            }
            // readAll fails if the server keeps the connection open past its 10 s bound.
            String received = http.readAll();
            assertThat(all.events()).filteredOn(e -> !e.getLoggerName().startsWith("dev.palisade."))
                    .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
            return received;
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> everyContainerOtherSetUpAndFailure() {
        return Arrays.stream(Container.values()).flatMap(c -> java.util.stream.Stream.of("inner boundary",
                "size filter for requests only").flatMap(setUp -> java.util.stream.Stream.of("/commit-then/throw",
                "/commit-then/fails", "/commit-then/reads?arguments")
                .map(target -> org.junit.jupiter.params.provider.Arguments.of(c, setUp, target))));
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments>
            everyContainerAndFailureAfterCommitLeavingTheChain() {
        return Arrays.stream(Container.values()).flatMap(c -> java.util.stream.Stream.of("/commit-then/throw",
                "/commit-then/complete-then-throw", "/commit-then/dispatch-then-throw", "/commit-then/fails",
                "/commit-then/fails?closes", "/commit-then/throw?closes", "/commit-then/dev/x?closes", "/commit-then/fails?completes", "/commit-then/reads", "/commit-then/dev/x")
                .map(target -> org.junit.jupiter.params.provider.Arguments.of(c, target)));
    }

    static List<String> streamFailures() {
        return List.of("", "?length", "?arguments", "?arguments&length", "?completes");
    }

    /**
     * A task that fails after it committed its response: the client sees the response break at once,
     * not after the async timeout (60 s here; each read of the client's is bounded at 10 s); the kit
     * logs it once, redacted, and neither container logs the task's exception; the access log has
     * its line and the application's listener hears the cycle complete, once.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingAfterTheCommitBreaksTheConnectionAtOnce(Container container) throws Exception {
        try (RunningServer server = wholeChain(container)) {
            for (String query : streamFailures()) {
                String id = "stream-fails-" + container.name().toLowerCase(java.util.Locale.ROOT) + query.hashCode();
                try (LogCapture all = LogCapture.of(Logger.ROOT_LOGGER_NAME);
                        LogCapture access = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER)) {
                    String received;
                    try (RawHttp http = server.raw()) {
                        // readAll fails if the server keeps the connection open past the 10 s bound.
                        received = http.send("GET /stream-fails" + query + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id
                                + "\r\n\r\n").readAll();
                    }

                    assertThat(received).as(query).startsWith("HTTP/1.1 200").contains("partial");
                    if (query.contains("length")) {
                        assertThat(received).as(query).contains("Content-Length: 1000").endsWith("partial");
                    } else {
                        assertThat(received).as(query).doesNotEndWith("0\r\n\r\n");
                    }
                    List<String> heard = StreamFailsOnATask.HEARD.get(id);
                    // This request's lines only: the previous round's GET /missing may be logged after its answer.
                    java.util.function.Supplier<List<String>> lines = () -> access.lines().stream()
                            .filter(line -> line.contains(id)).collect(java.util.stream.Collectors.toList());
                    await().atMost(Duration.ofSeconds(10)).until(() -> !lines.get().isEmpty() && heard.contains("complete"));
                    assertThat(lines.get()).as(query).hasSize(1);
                    assertThat(lines.get().get(0)).as(query).contains("GET /stream-fails", " status=200 ", id);
                    // Once each, whatever comes later: another request on the server has been answered since.
                    assertThat(exchange(server, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .status()).isEqualTo(404);
                    // Tomcat tells them of the error in the dispatch first; on Jetty, which tells none of a
                    // cycle whose connection was broken, the kit does, as Tomcat.
                    assertThat(heard).as(query).containsExactly("error", "complete");
                    List<ILoggingEvent> alarms = all.events().stream()
                            .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                            .filter(e -> !e.getFormattedMessage().startsWith("No servlet is mapped"))
                            .collect(java.util.stream.Collectors.toList());
                    assertThat(alarms).as(query + ": " + all.text()).hasSize(1);
                    assertThat(alarms.get(0).getLoggerName()).isEqualTo(SafeErrorFilter.class.getName());
                    assertThat(alarms.get(0).getLevel()).isEqualTo(Level.ERROR);
                    assertThat(alarms.get(0).getFormattedMessage()).contains("Request " + id
                            + " failed in an asynchronous task after its response was committed");
                    assertThat(alarms.get(0).getThrowableProxy()).isNotNull();
                    assertThat(all.text()).as(query).doesNotContain("hunter2");
                }
            }
        }
    }

    /**
     * An async timeout that finds the response committed: the kit breaks the connection, and the
     * application's listener hears the timeout and then the end, once each (Jetty, which tells no
     * listener of the end of a cycle whose connection was broken, hears it from the kit).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTimeoutAfterTheCommitTellsTheApplicationsListenerOfTheEnd(Container container) throws Exception {
        try (RunningServer server = wholeChain(container);
                LogCapture access = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER)) {
            String id = "times-out-" + container.name().toLowerCase(java.util.Locale.ROOT);
            String received;
            try (RawHttp http = server.raw()) {
                received = http.send("GET /times-out HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\n\r\n")
                        .readAll();
            }

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotEndWith("0\r\n\r\n");
            List<String> heard = CommitsThenTimesOut.HEARD.get(id);
            await().atMost(Duration.ofSeconds(10)).until(() -> !access.lines().isEmpty() && heard.contains("complete"));
            // Once each, whatever comes later: another request on the server has been answered since.
            assertThat(exchange(server, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status())
                    .isEqualTo(404);
            assertThat(heard).containsExactly("timeout", "complete");
        }
    }

    private static RunningServer sizeFilterAlone(Container container, EnumSet<DispatcherType> dispatches)
            throws Exception {
        return container.start(ctx -> {
            FilterRegistration.Dynamic size = ctx.addFilter("size",
                    new RequestSizeLimitFilter(RequestSizeLimitFilter.Config.builder().maxBytes(LIMIT).build()));
            size.setAsyncSupported(true);
            size.addMappingForUrlPatterns(dispatches, false, "/*");
            add(ctx, new TwoCycles(false), "/two-cycles");
            add(ctx, new TwoCycles(true), "/two-cycles-wrapped");
            add(ctx, new CompletesInFinally(false), "/finally");
            add(ctx, new CompletesInFinally(true), "/finally-with-arguments");
        });
    }

    private static void add(ServletContext ctx, HttpServlet servlet, String path) {
        ServletRegistration.Dynamic registration = ctx.addServlet(path, servlet);
        registration.setAsyncSupported(true);
        registration.addMapping(path);
    }

    private static RawHttp.Response exchange(RunningServer server, String request) throws IOException {
        try (RawHttp http = server.raw()) {
            return http.send(request).readResponse();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aSecondCycleAfterADispatchAnswersItsOwnTimeout(Container container) throws Exception {
        try (RunningServer server = wholeChain(container)) {
            RawHttp.Response r = exchange(server, "POST /long-poll HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");

            assertThat(r.status() + " same=" + r.header("X-Same-Context")).isEqualTo("204 same=true");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aListenerReaddedInOnStartAsyncSeesTheSecondCyclesContext(Container container) throws Exception {
        try (RunningServer server = wholeChain(container)) {
            RawHttp.Response r = exchange(server, "POST /two-cycles HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                    + "Connection: close\r\n\r\n");

            assertThat(r.status()).isEqualTo(204);
        }
    }

    /**
     * Behind the size filter alone the counted contexts meet the container's directly, which hands
     * back the same context object for every cycle: the first cycle's counted context must not
     * stand for the second's.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void behindTheSizeFilterAloneAListenerFollowingTheCyclesSeesEachCyclesContext(Container container) throws Exception {
        for (EnumSet<DispatcherType> dispatches : List.of(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC),
                EnumSet.of(DispatcherType.REQUEST))) {
            try (RunningServer server = sizeFilterAlone(container, dispatches)) {
                for (String path : new String[] {"/two-cycles", "/two-cycles-wrapped"}) {
                    RawHttp.Response r = exchange(server, "POST " + path + " HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Length: 0\r\nConnection: close\r\n\r\n");

                    assertThat(r.status()).as(path + " " + dispatches).isEqualTo(204);
                }
            }
        }
    }

    /** A task's failure with an EofException deep inside is the server's (a backend closed): a 500 problem. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBackendFailureInATaskIsAnswered500(Container container) throws Exception {
        try (RunningServer server = wholeChain(container)) {
            RawHttp.Response r = exchange(server, "GET /backend HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(r.status() + " " + r.header("Content-Type")).isEqualTo("500 application/problem+json");
        }
    }

    /**
     * After the filter's 413 the application's own complete() in finally is quiet: no stack in the
     * log. Whether the cycle was started with or without arguments (Jersey's async resources pass
     * them, and complete once their answer is done), behind the whole chain or the size filter alone.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anOversizedBodyReadInATaskThatCompletesInFinallyIsQuiet(Container container) throws Exception {
        for (boolean whole : new boolean[] {true, false}) {
            for (String path : new String[] {"/finally", "/finally-with-arguments"}) {
                try (LogCapture logs = LogCapture.of(Logger.ROOT_LOGGER_NAME)) {
                    try (RunningServer server = whole ? wholeChain(container)
                            : sizeFilterAlone(container, EnumSet.of(DispatcherType.REQUEST));
                            RawHttp http = server.raw()) {
                        http.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n");
                        byte[] chunk = new byte[8192];
                        Arrays.fill(chunk, (byte) 'x');
                        for (int sent = 0; sent < 4 * LIMIT; sent += chunk.length) {
                            http.chunk(chunk);
                        }
                        http.lastChunk();
                        assertThat(http.readResponse().status()).as(path + " whole chain " + whole).isEqualTo(413);
                    }
                    // The server has stopped: every line of the exchange is in.
                    assertThat(logs.text(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null))
                            .as(path + " whole chain " + whole).isEmpty();
                }
            }
        }
    }

    /** Tomcat sets 500 on its response when the task fails; the client got 200, and so says the line. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anUnwrappedCommitOnATaskThenAFailureLogsTheStatusTheClientGot(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(AccessLogFilter.DEFAULT_LOGGER); RunningServer server = wholeChain(container)) {
            String received = RawHttp.receivedUntilClosed(server.port(), "GET /unwrapped HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(received).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> !logs.lines().isEmpty());
            assertThat(logs.lines().get(0)).contains(" status=200 ");
        }
    }

}
