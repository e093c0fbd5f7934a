package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.palisade.filters.testing.AppErrorPage;
import dev.palisade.filters.testing.Container;
import dev.palisade.filters.testing.LogCapture;
import dev.palisade.filters.testing.RawHttp;
import dev.palisade.filters.testing.RunningServer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SafeErrorFilterTest {
    private static final String SECRET = "password=hunter2 at /etc/secret.conf";
    /** Counted down by {@code /t/read-wrapped} as it starts to read the body. */
    private static final java.util.concurrent.atomic.AtomicReference<CountDownLatch> READING =
            new java.util.concurrent.atomic.AtomicReference<>(new CountDownLatch(1));
    /** SECRET as the server log shows it: an exception's message is redacted there too. */
    /** The {@code onComplete} calls heard by the cycles of {@code /t/backend-eof-async}. */
    private static final java.util.concurrent.atomic.AtomicInteger BACKEND_EOF_CYCLE_ENDS =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final String LOGGED_SECRET = "password=*** at /etc/secret.conf";
    private static final Pattern BODY_ID = Pattern.compile("\"requestId\":\"([^\"]*)\"");

    /** A message built from a field that is null: getMessage() itself throws, with the client's data in it. */
    static final class BrokenMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new NullPointerException("order was null for " + SECRET);
        }
    }

    /** Every failure the application can produce, by path. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String what = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            switch (what) {
                case "ok" -> resp.getWriter().write("hello");
                case "param" -> resp.getWriter().write(String.valueOf(req.getParameter("a")));
                case "runtime" -> throw new IllegalStateException(SECRET);
                case "io" -> throw new IOException(SECRET);
                case "servlet" -> throw new ServletException(SECRET, new IllegalArgumentException(SECRET));
                case "stack-overflow" -> throw new StackOverflowError(SECRET);
                case "out-of-memory" -> throw new OutOfMemoryError(SECRET);
                case "broken-message" -> throw new BrokenMessage();
                case "broken-frames" -> throw new RuntimeException("plain") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public StackTraceElement[] getStackTrace() {
                        throw new IllegalStateException("no frames " + SECRET);
                    }
                };
                case "broken-cause" -> throw new RuntimeException("plain") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public synchronized Throwable getCause() {
                        throw new IllegalStateException("no cause " + SECRET);
                    }
                };
                case "send-error-404" -> resp.sendError(404, SECRET);
                case "send-error-503" -> resp.sendError(503, SECRET);
                case "send-error-500" -> resp.sendError(500, SECRET);
                case "send-error-400" -> resp.sendError(400, SECRET);
                case "send-error-599" -> resp.sendError(599, SECRET);
                case "status-only" -> resp.setStatus(409);
                case "own-body" -> {
                    resp.setStatus(422);
                    resp.setContentType("application/json");
                    resp.getWriter().write("{\"field\":\"email\"}");
                }
                case "committed" -> {
                    resp.getWriter().write("partial");
                    resp.flushBuffer();
                    throw new IllegalStateException(SECRET);
                }
                case "utf16-writer-then-fail", "utf16-writer-then-send-error" -> {
                    // A writer in a charset that is not ASCII-compatible: the problem body cannot be UTF-8 bytes.
                    resp.setCharacterEncoding("UTF-16");
                    resp.getWriter().write("partial");
                    if (what.endsWith("send-error")) {
                        resp.sendError(409, SECRET);
                        return;
                    }
                    throw new IllegalStateException(SECRET);
                }
                case "redirect-then-fail" -> {
                    resp.sendRedirect("/elsewhere");
                    throw new IllegalStateException(SECRET);
                }
                // Servlet 6.1's overloads (the test classpath's API is 6.1: tomcat-embed-core's copy comes first).
                case "redirect-303-then-fail" -> {
                    resp.sendRedirect("/elsewhere", 303);
                    throw new IllegalStateException(SECRET);
                }
                case "redirect-307-kept-buffer-then-fail" -> {
                    resp.sendRedirect("/elsewhere", 307, false);
                    throw new IllegalStateException(SECRET);
                }
                case "redirect-keeping-buffer-then-fail" -> {
                    resp.sendRedirect("/elsewhere", false);
                    throw new IllegalStateException(SECRET);
                }
                case "headers-then-fail" -> {
                    resp.setHeader("Content-Disposition", "attachment; filename=report.csv");
                    resp.addCookie(new Cookie("half", "done"));
                    resp.setHeader("Access-Control-Allow-Origin", "https://app.example");
                    resp.getWriter().write("a,b,c");
                    throw new IllegalStateException(SECRET);
                }
                case "client-gone" -> throw departed(req, resp, clientGone(req));
                // Tomcat: another client's stream failed (a servlet writing to several clients).
                case "other-stream-gone" -> throw new IllegalStateException("broadcast failed",
                        new org.apache.catalina.connector.ClientAbortException(new IOException("Broken pipe")));
                case "read-wrapped" -> {
                    READING.get().countDown();
                    try {
                        req.getInputStream().readAllBytes();
                    } catch (IOException e) {
                        throw new IllegalStateException("Could not read the body", e);
                    }
                }
                // Jetty's HTTP/2 session failing a stream of a connection the client closed: a JDK
                // exception raised in Jetty's HTTP/2 code (seen as an ERROR with a stack before).
                case "jetty-h2-session-gone" -> throw dev.palisade.filters.testing.SyntheticFrames.withFrames(
                        new java.nio.channels.ClosedChannelException(), "org.eclipse.jetty.http2.HTTP2Session$StreamsState",
                        "org.eclipse.jetty.http2.HTTP2Session", "org.eclipse.jetty.http2.HTTP2Connection$HTTP2Producer");
                // The same JDK exception raised by the application's own channel: the server's failure.
                case "own-channel-closed" -> throw new java.nio.channels.ClosedChannelException();
                // The same connector exception from a backend the application called: the server's failure.
                case "backend-gone" -> throw new IllegalStateException(SECRET, clientGone(req));
                // As a framework or a lambda that may not throw IOException passes it on.
                case "client-gone-wrapped" -> throw departed(req, resp, new java.io.UncheckedIOException(clientGone(req)));
                case "client-gone-in-servlet-exception" -> throw departed(req, resp, new ServletException(clientGone(req)));
                // Jetty's HttpClient: a backend closed, in the application's wrapper or as it is.
                case "backend-eof-wrapped" -> throw new java.io.UncheckedIOException("payment backend call failed",
                        new org.eclipse.jetty.io.EofException("backend closed"));
                case "backend-eof" -> throw new org.eclipse.jetty.io.EofException(SECRET);
                case "backend-eof-async" -> {
                    AsyncContext async = req.startAsync();
                    async.addListener(new dev.palisade.filters.testing.EventRecordingListener(event -> {
                        if (event.equals("complete")) {
                            BACKEND_EOF_CYCLE_ENDS.incrementAndGet();
                        }
                    }));
                    throw new org.eclipse.jetty.io.EofException(SECRET);
                }
                case "async-send-error" -> {
                    AsyncContext async = req.startAsync();
                    CountDownLatch dispatchReturned = new CountDownLatch(1);
                    req.setAttribute(DispatchReturned.ATTRIBUTE, dispatchReturned);
                    async.start(() -> {
                        try {
                            // Only once SafeErrorFilter has returned: nobody is left to write a recorded status.
                            if (dispatchReturned.await(5, TimeUnit.SECONDS)) {
                                resp.sendError(404, SECRET);
                            }
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                }
                case "async-timeout" -> req.startAsync().setTimeout(100);
                case "async-restart-timeout-answered" -> {
                    // A long poll that dispatches once and waits again: its listener re-adds itself
                    // for the second cycle in onStartAsync and answers that cycle's timeout itself.
                    if (req.getDispatcherType() == DispatcherType.REQUEST) {
                        AsyncContext first = req.startAsync(req, resp);
                        first.addListener(new AsyncListener() {
                            @Override
                            public void onStartAsync(AsyncEvent event) {
                                event.getAsyncContext().addListener(this);
                            }

                            @Override
                            public void onTimeout(AsyncEvent event) throws IOException {
                                ((HttpServletResponse) event.getAsyncContext().getResponse()).setStatus(204);
                                event.getAsyncContext().complete();
                            }

                            @Override
                            public void onComplete(AsyncEvent event) {
                                // Nothing to release.
                            }

                            @Override
                            public void onError(AsyncEvent event) {
                                // Not part of this scenario.
                            }
                        });
                        first.dispatch();
                    } else {
                        req.startAsync(req, resp).setTimeout(100);
                    }
                }
                case "completed-then-throws" -> {
                    // complete() takes effect once this thread returns: nothing else answers.
                    req.startAsync(req, resp).complete();
                    throw new IllegalStateException(SECRET);
                }
                case "dispatched-then-throws" -> {
                    req.startAsync(req, resp).dispatch("/t/ok");
                    throw new IllegalStateException(SECRET);
                }
                case "dispatched-then-throws-twice" -> {
                    // The dispatch carries this run's wrappers (startAsync(req, resp)) and fails too.
                    if (req.getDispatcherType() == DispatcherType.REQUEST) {
                        req.startAsync(req, resp).dispatch();
                    }
                    throw new IllegalStateException(SECRET);
                }
                case "async-started-then-throws" -> {
                    // Say the executor refused the task: nothing else will ever answer.
                    req.startAsync(req, resp).setTimeout(60_000);
                    throw new IllegalStateException(SECRET);
                }
                case "send-error-then-write" -> {
                    resp.sendError(403, SECRET);
                    resp.getWriter().write(SECRET);
                    resp.getWriter().close();
                }
                case "writer-then-send-error-then-close" -> {
                    java.io.PrintWriter writer = resp.getWriter();
                    resp.sendError(403, SECRET);
                    writer.close();
                }
                case "async-task-throws" -> {
                    AsyncContext async = req.startAsync(req, resp);
                    // Far beyond the client's read timeout: only an answer at once gets through.
                    async.setTimeout(60_000);
                    async.start(() -> {
                        throw new IllegalStateException(SECRET);
                    });
                }
                case "async-dispatch-first-response-send-error" -> {
                    // Code that kept the first run's response (a callback registered in it) answers in the second.
                    if (req.getDispatcherType() == DispatcherType.REQUEST) {
                        req.setAttribute("test.firstResponse", resp);
                        req.startAsync(req, resp).dispatch();
                    } else {
                        ((HttpServletResponse) req.getAttribute("test.firstResponse")).sendError(503, SECRET);
                    }
                }
                case "async-dispatch-throws", "async-dispatch-send-error" -> {
                    if (req.getDispatcherType() == DispatcherType.REQUEST) {
                        req.startAsync(req, resp).dispatch();
                    } else if (what.endsWith("throws")) {
                        throw new IllegalStateException(SECRET);
                    } else {
                        resp.sendError(503, SECRET);
                    }
                }
                case "async-task-throws-after-commit" -> {
                    AsyncContext async = req.startAsync(req, resp);
                    async.setTimeout(1000);
                    async.start(() -> {
                        try {
                            resp.getWriter().write("partial");
                            resp.flushBuffer();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        throw new IllegalStateException(SECRET);
                    });
                }
                case "async-committed-timeout" -> {
                    AsyncContext async = req.startAsync(req, resp);
                    async.setTimeout(100);
                    resp.getWriter().write("partial");
                    resp.flushBuffer();
                }
                case "async-timeout-answered", "async-timeout-answered-body", "async-timeout-answered-by-event" -> {
                    // The usual long-poll: the application answers its own timeout.
                    AsyncContext async = req.startAsync(req, resp);
                    boolean body = what.endsWith("-body");
                    // The other common idiom completes the context the event carries.
                    boolean byEvent = what.endsWith("-by-event");
                    async.addListener(new AsyncListener() {
                        @Override
                        public void onTimeout(AsyncEvent event) throws IOException {
                            if (body) {
                                resp.setContentType("text/plain");
                                resp.getWriter().write("no news");
                            } else {
                                resp.setStatus(204);
                            }
                            (byEvent ? event.getAsyncContext() : async).complete();
                        }

                        @Override
                        public void onComplete(AsyncEvent event) {
                            // Nothing to release.
                        }

                        @Override
                        public void onError(AsyncEvent event) {
                            // Not part of this scenario.
                        }

                        @Override
                        public void onStartAsync(AsyncEvent event) {
                            // Not part of this scenario.
                        }
                    });
                    async.setTimeout(100);
                }
                case "async-own-body" -> {
                    AsyncContext async = req.startAsync(req, resp);
                    async.start(() -> {
                        try {
                            resp.setStatus(404);
                            resp.getWriter().write("async body");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                }
                default -> throw new IllegalArgumentException("no scenario " + what);
            }
        }
    }

    private static RunningServer start(Container container) throws Exception {
        return container.start(SafeErrorFilterTest::register);
    }

    /** Outermost test filter: tells an async scenario that the original dispatch has left the chain. */
    static final class DispatchReturned implements jakarta.servlet.Filter {
        static final String ATTRIBUTE = "test.dispatchReturned";

        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                jakarta.servlet.FilterChain chain) throws IOException, ServletException {
            chain.doFilter(req, resp);
            if (req.getAttribute(ATTRIBUTE) instanceof CountDownLatch latch) {
                latch.countDown();
            }
        }
    }

    static void register(ServletContext ctx) {
        FilterRegistration.Dynamic outer = ctx.addFilter("dispatchReturned", new DispatchReturned());
        outer.setAsyncSupported(true);
        outer.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        FilterRegistration.Dynamic filter = ctx.addFilter("safeErrors", new SafeErrorFilter());
        filter.setAsyncSupported(true);
        // As documented: an AsyncContext.dispatch() runs the servlet again outside any REQUEST-only filter,
        // and Tomcat includes an error page after an async failure on a committed response.
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                DispatcherType.INCLUDE), false, "/*");
        var app = ctx.addServlet("app", new App());
        app.setAsyncSupported(true);
        app.addMapping("/t/*");
        ctx.addServlet("readsBody", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("read " + req.getInputStream().readAllBytes().length);
            }
        }).addMapping("/body");
        ctx.addServlet("doGetOnly", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("got");
            }
        }).addMapping("/do-get-only");
        var parts = ctx.addServlet("readsParts", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
                resp.getWriter().write("parts " + req.getParts().size());
            }
        });
        parts.addMapping("/parts");
        parts.setMultipartConfig(new jakarta.servlet.MultipartConfigElement(System.getProperty("java.io.tmpdir"), 10, 1000, 0));
    }

    private static RawHttp.Response get(RunningServer server, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: x\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(server.port(), request.append("Connection: close\r\n\r\n").toString());
    }

    private static String bodyId(RawHttp.Response r) {
        Matcher m = BODY_ID.matcher(r.body());
        assertThat(m.find()).as("requestId in %s", r.body()).isTrue();
        return m.group(1);
    }

    private static void assertProblem(RawHttp.Response r, int status) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.body()).startsWith("{\"type\":\"about:blank\",\"title\":\"" + Problems.title(status) + "\"")
                .contains("\"status\":" + status + ",\"detail\":\"" + Problems.detail(status) + "\"");
        assertThat(r.header("X-Request-Id")).isNotNull().isEqualTo(bodyId(r));
    }

    private static void assertLeaksNothing(RawHttp.Response r) {
        assertThat(r.body()).doesNotContain("hunter2", "secret", "Exception", "java.", "dev.palisade", "Error:");
        assertThat(r.body().toLowerCase(java.util.Locale.ROOT)).doesNotContain("jetty", "tomcat", "<html");
    }

    private static List<ILoggingEvent> errors(LogCapture logs) {
        return logs.events().stream().filter(e -> e.getLevel() == Level.ERROR).collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void answersEveryThrowableWithAGeneric500ProblemAndLogsItOnceWithStack(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            // Errors too: Jetty would answer an escaped OutOfMemoryError with an HTML page quoting its message.
            for (String kind : List.of("runtime", "io", "servlet", "stack-overflow", "out-of-memory",
                    "async-started-then-throws", "backend-gone", "completed-then-throws")) {
                try (LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
                    RawHttp.Response r = get(server, "/t/" + kind, "X-Request-Id: trace-" + kind);

                    assertProblem(r, 500);
                    assertLeaksNothing(r);
                    assertThat(r.header("X-Request-Id")).isEqualTo("trace-" + kind);
                    List<ILoggingEvent> errors = errors(logs);
                    assertThat(errors).as(kind).hasSize(1);
                    assertThat(logs.text()).doesNotContain("hunter2").contains("trace-" + kind, "GET", "/t/" + kind, LOGGED_SECRET,
                            "at dev.palisade.filters.SafeErrorFilterTest$App.service");
                }
            }
            // Tomcat's java.util.logging is routed to SLF4J by the test fixture, so both containers are seen.
            assertThat(all.text(e -> !e.getLoggerName().startsWith("dev.palisade")))
                    .as("the container logs nothing more").doesNotContain("hunter2");
        }
    }

    /**
     * A method no servlet knows is answered 501 by {@code HttpServlet}: the problem, but no ERROR
     * line, which any client could otherwise write at will (one per request).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void anUnknownMethodIsA501ProblemWithoutAnErrorLine(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = RawHttp.exchange(server.port(),
                        "FOO /do-get-only HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

                assertProblem(r, 501);
                assertLeaksNothing(r);
            }
            assertThat(all.events()).as(all.text()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }

    /** Finishes the response whatever happened below it, as compressing or body-copying filters do. */
    static final class FinishingFilter implements jakarta.servlet.Filter {
        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse resp,
                jakarta.servlet.FilterChain chain) throws IOException, ServletException {
            try {
                chain.doFilter(req, resp);
            } finally {
                resp.flushBuffer();
            }
        }
    }

    /**
     * Two registrations of the filter (an application's own beside the chain's) are two
     * boundaries: the inner one answers, so the filters between them finish a problem, not an
     * exception (passing the request on there, as for a second mapping of one instance, made the
     * finishing filter commit an empty 200; found by review).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void twoRegistrationsAreTwoBoundariesAndTheInnerOneAnswers(Container container) throws Exception {
        try (RunningServer server = container.start(ctx -> {
            for (String name : List.of("outerSafeErrors", "finishing", "innerSafeErrors")) {
                FilterRegistration.Dynamic filter = ctx.addFilter(name,
                        name.equals("finishing") ? new FinishingFilter() : new SafeErrorFilter());
                filter.setAsyncSupported(true);
                filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
            }
            var app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.addMapping("/t/*");
        })) {
            assertProblem(get(server, "/t/runtime"), 500);
            assertProblem(get(server, "/t/send-error-503"), 503);
        }
    }

    /**
     * Fails every ERROR of {@link SafeErrorFilter}'s logger, as a Log4j 2 appender on a full disk
     * can, and, when asked, the container's own context log too (Jetty's goes through SLF4J,
     * Tomcat's java.util.logging is bridged to it by the test fixture).
     */
    static final class FailingBackend extends ch.qos.logback.classic.turbo.TurboFilter {
        private final boolean containerLogToo;

        FailingBackend(boolean containerLogToo) {
            this.containerLogToo = containerLogToo;
        }

        @Override
        public ch.qos.logback.core.spi.FilterReply decide(org.slf4j.Marker marker, ch.qos.logback.classic.Logger logger,
                Level level, String format, Object[] params, Throwable t) {
            String name = logger.getName();
            boolean contextLog = name.startsWith("org.eclipse.jetty.server.handler.ContextHandler")
                    || name.startsWith("org.apache.catalina.core.ContainerBase");
            if ((level == Level.ERROR && name.equals(SafeErrorFilter.class.getName()))
                    || (containerLogToo && contextLog && level.isGreaterOrEqual(Level.WARN))) {
                throw new IllegalStateException("log backend down " + SECRET);
            }
            return ch.qos.logback.core.spi.FilterReply.NEUTRAL;
        }
    }

    /**
     * The container's log fails as well: the client still gets its problem, whole, and only then
     * does the failure reach the container (it had shown the backend's exception message, with the
     * secret in it, in Jetty's page title; found by review).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBackendThatFailsTheContainersLogTooStillLeavesTheClientItsProblem(Container container) throws Exception {
        ch.qos.logback.classic.LoggerContext logging = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory
                .getILoggerFactory();
        FailingBackend failing = new FailingBackend(true);
        failing.start();
        try (RunningServer server = start(container)) {
            logging.addTurboFilter(failing);
            for (String kind : List.of("runtime", "send-error-503")) {
                RawHttp.Response r = get(server, "/t/" + kind, "X-Request-Id: trace-" + kind);

                assertProblem(r, kind.equals("runtime") ? 500 : 503);
                assertLeaksNothing(r);
                assertThat(r.body()).doesNotContain("backend down");
            }
            // A response failing after it was committed is still cut short, not ended cleanly (on
            // Tomcat the log's failure had replaced the abort; found by review).
            try (RawHttp c = server.raw()) {
                c.send("GET /t/committed HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThatThrownBy(c::readResponse).isInstanceOf(IOException.class)
                        .isNotInstanceOf(SocketTimeoutException.class);
            }
            // An answer of no declared length (through a UTF-16 writer) is sent whole before the abort.
            RawHttp.Response r = get(server, "/t/utf16-writer-then-fail");
            assertThat(r.status()).isEqualTo(500);
            assertThat(new String(r.bodyBytes(), java.nio.charset.StandardCharsets.UTF_16))
                    .startsWith("{\"type\":\"about:blank\"").endsWith("}").doesNotContain("backend down");
        } finally {
            logging.getTurboFilterList().remove(failing);
        }
    }

    /**
     * A logging backend that throws: the client still gets the problem (it got the container's
     * page quoting the backend's exception, on Tomcat with the stack), and the line reaches the
     * container's own log, with the request id, the failure's stack and what the backend threw.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aLoggingBackendThatThrowsStillLeavesTheClientItsProblem(Container container) throws Exception {
        ch.qos.logback.classic.LoggerContext logging = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory
                .getILoggerFactory();
        FailingBackend failing = new FailingBackend(false);
        failing.start();
        try (RunningServer server = start(container); LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            logging.addTurboFilter(failing);
            for (String kind : List.of("runtime", "send-error-503", "async-task-throws")) {
                RawHttp.Response r = get(server, "/t/" + kind, "X-Request-Id: trace-" + kind);

                assertProblem(r, kind.equals("send-error-503") ? 503 : 500);
                assertLeaksNothing(r);
                assertThat(r.body()).doesNotContain("backend down");
                assertThat(all.text()).as(kind).contains("The SLF4J backend failed (java.lang.IllegalStateException) "
                        + "to log this ERROR of dev.palisade.filters.SafeErrorFilter: Request trace-" + kind);
            }
            assertThat(all.text()).contains("at dev.palisade.filters.SafeErrorFilterTest$App.service")
                    .doesNotContain("hunter2");
        } finally {
            logging.getTurboFilterList().remove(failing);
        }
    }

    /**
     * Mapped as docs/filters.md says, a second time by servlet name {@code *} for a named
     * dispatcher's includes and forwards: Jetty applies that mapping to every dispatch type, so the
     * filter ran twice on each request, and each failure was logged twice (the outer run also
     * logged the inner one's abort). Tomcat keeps to the dispatch types.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void mappedAgainByServletNameForNamedDispatchersItAnswersAndLogsEachFailureOnce(Container container)
            throws Exception {
        try (RunningServer server = container.start(ctx -> {
            FilterRegistration.Dynamic filter = ctx.addFilter("safeErrors", new SafeErrorFilter());
            filter.setAsyncSupported(true);
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                    DispatcherType.INCLUDE, DispatcherType.FORWARD), false, "/*");
            filter.addMappingForServletNames(EnumSet.of(DispatcherType.INCLUDE, DispatcherType.FORWARD), false, "*");
            var app = ctx.addServlet("app", new App());
            app.setAsyncSupported(true);
            app.addMapping("/t/*");
        })) {
            for (String kind : List.of("runtime", "send-error-503", "committed")) {
                try (LogCapture logs = LogCapture.of("dev.palisade")) {
                    if (kind.equals("committed")) {
                        try (RawHttp c = server.raw()) {
                            c.send("GET /t/committed HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-committed\r\n\r\n");
                            assertThatThrownBy(c::readResponse).isInstanceOf(IOException.class)
                                    .isNotInstanceOf(SocketTimeoutException.class);
                        }
                    } else {
                        RawHttp.Response r = get(server, "/t/" + kind, "X-Request-Id: trace-" + kind);
                        assertProblem(r, kind.equals("runtime") ? 500 : 503);
                        assertThat(r.headerValues("X-Request-Id")).as(kind).containsExactly("trace-" + kind);
                    }
                    assertThat(logs.events()).as(kind).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                            .singleElement()
                            .satisfies(e -> assertThat(e.getFormattedMessage()).contains("trace-" + kind));
                }
            }
        }
    }

    /**
     * An exception whose getMessage() throws: still the 500 problem and one ERROR with the stack,
     * not the container's own page (which quoted the inner exception's message, and on Tomcat its
     * stack frames); the failing message is neither called again by the backend nor shown. So with
     * a getStackTrace() or getCause() that throws (found by the review of that fix): the class alone.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAnExceptionWhoseAccessorsThrowWithThe500Problem(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (String kind : List.of("broken-message", "broken-frames", "broken-cause")) {
                try (LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                    RawHttp.Response r = get(server, "/t/" + kind, "X-Request-Id: trace-" + kind);

                    assertProblem(r, 500);
                    assertLeaksNothing(r);
                    assertThat(r.body()).doesNotContain("order was null").doesNotContain("no frames");
                    List<ILoggingEvent> errors = errors(all);
                    assertThat(errors).as(kind).singleElement()
                            .satisfies(e -> assertThat(e.getLoggerName()).isEqualTo(SafeErrorFilter.class.getName()));
                    assertThat(all.text()).as(kind).contains("trace-" + kind).doesNotContain("hunter2");
                    if (kind.equals("broken-message")) {
                        assertThat(all.text()).contains(BrokenMessage.class.getName() + " [getMessage() threw",
                                "at dev.palisade.filters.SafeErrorFilterTest$App.service");
                    } else {
                        assertThat(all.text()).as(kind).contains("[could not be read for logging");
                    }
                }
            }
        }
    }

    /**
     * The client's mistakes that the containers find while the application reads the body are a
     * 4xx and no ERROR: a broken chunk (Jetty's early EOF; Tomcat answers its own 400 before the
     * filter hears of it), and, on Tomcat, getParts() of a body that is not multipart (415), of a
     * multipart body without a boundary (400) or with a part over the servlet's @MultipartConfig size
     * (413). Jetty answers the other two 400 itself.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersTheClientsMistakesFoundWhileReadingTheBodyWithA4xx(Container container) throws Exception {
        String part = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n" + "x".repeat(100)
                + "\r\n--B--\r\n";
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response brokenChunk = RawHttp.exchange(server.port(), "POST /body HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
            RawHttp.Response json = RawHttp.exchange(server.port(), "POST /parts HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            RawHttp.Response tooLarge = RawHttp.exchange(server.port(), "POST /parts HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: multipart/form-data; boundary=B\r\nContent-Length: " + part.length()
                    + "\r\nConnection: close\r\n\r\n" + part);
            RawHttp.Response noBoundary = RawHttp.exchange(server.port(), "POST /parts HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: multipart/form-data\r\nContent-Length: " + part.length()
                    + "\r\nConnection: close\r\n\r\n" + part);

            assertThat(brokenChunk.status()).isEqualTo(400);
            // Tomcat's own page for its 400 at most (configure its ErrorReportValve): none of the
            // filter's internals, which Tomcat's page showed when the filter threw its abort.
            assertThat(brokenChunk.body()).doesNotContain("palisade", "Exception", "at org.");
            assertProblem(noBoundary, 400);
            if (container == Container.JETTY) {
                assertProblem(brokenChunk, 400);
                assertProblem(json, 400);
                assertProblem(tooLarge, 400);
            } else {
                assertProblem(json, 415);
                assertProblem(tooLarge, 413);
            }
            assertThat(errors(logs)).isEmpty();
        }
    }

    /** A failure after the application dispatched its async cycle leaves the dispatch to answer. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFailureAfterADispatchLeavesTheDispatchToAnswer(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = get(server, "/t/dispatched-then-throws");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            assertThat(errors(logs)).hasSize(1);
            assertThat(logs.text()).contains("after dispatching its async cycle");
        }
    }

    /**
     * The dispatch fails too: it is answered by the filter's run for that dispatch, though it
     * carries the wrappers of the first run, which threw (that run is over, not an enclosing one).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aDispatchThatFailsAfterTheFirstRunFailedGetsTheProblem(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = get(server, "/t/dispatched-then-throws-twice");

            assertProblem(r, 500);
            assertLeaksNothing(r);
            assertThat(errors(logs)).hasSize(2);
            assertThat(logs.text()).contains("after dispatching its async cycle", "failed and was answered 500");
        }
    }

    /** The error log masks personal data in the path, as the access log does, and escapes it. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theErrorLogMasksThePath(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = get(server, "/t/runtime;user=john.doe@example.com");

            assertProblem(r, 500);
            assertThat(errors(logs)).hasSize(1);
            assertThat(logs.text()).contains("/t/runtime;user=j***@example.com").doesNotContain("john.doe");
        }
    }

    /**
     * After sendError the body is the problem's: what the application writes then is dropped, and a
     * writer it took before cannot commit the response with the wrong status by closing.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyWrittenAfterSendErrorIsDroppedAndTheStatusHolds(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            RawHttp.Response afterward = get(server, "/t/send-error-then-write");
            RawHttp.Response closedEarlier = get(server, "/t/writer-then-send-error-then-close");

            assertProblem(afterward, 403);
            assertLeaksNothing(afterward);
            assertThat(closedEarlier.status()).isEqualTo(403);
            assertLeaksNothing(closedEarlier);
        }
    }

    /**
     * The application took a UTF-16 writer before failing. The problem must still arrive whole and
     * in the charset its Content-Type names: a UTF-8 length on the longer UTF-16 body made Jetty
     * fail the write and answer with its HTML page (its version and the exception's message), and
     * made Tomcat cut the body short.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersInTheCharsetOfAWriterTheApplicationAlreadyTook(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (String[] kind : new String[][] {{"utf16-writer-then-fail", "500"}, {"utf16-writer-then-send-error", "409"}}) {
                RawHttp.Response r = get(server, "/t/" + kind[0]);
                int status = Integer.parseInt(kind[1]);

                assertThat(r.status()).isEqualTo(status);
                assertThat(r.header("Content-Type")).startsWith(ProblemResponse.CONTENT_TYPE)
                        .containsIgnoringCase("charset=utf-16");
                String body = new String(r.bodyBytes(), java.nio.charset.StandardCharsets.UTF_16);
                assertThat(body).startsWith("{\"type\":\"about:blank\"").endsWith("}")
                        .contains("\"status\":" + status).contains("\"requestId\":\"" + r.header("X-Request-Id") + "\"")
                        .doesNotContain("partial", "hunter2");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void turnsSendErrorIntoAProblemWithoutTheMessage(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response notFound = get(server, "/t/send-error-404");

            assertProblem(notFound, 404);
            assertLeaksNothing(notFound);
            assertThat(errors(logs)).isEmpty();

            RawHttp.Response unavailable = get(server, "/t/send-error-503");

            assertProblem(unavailable, 503);
            assertLeaksNothing(unavailable);
            assertThat(errors(logs)).hasSize(1);
            assertThat(errors(logs).get(0).getFormattedMessage()).contains(bodyId(unavailable), "503", "/t/send-error-503");
            assertThat(errors(logs).get(0).getThrowableProxy()).isNull();
        }
    }

    /**
     * sendError(500) with no exception is a 5xx as well: logged once, with its id, and answered with
     * the contract's body, written out here (assertProblem takes title and detail from Problems
     * itself, so it could not tell an empty or changed one).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void logsASendError500OnceAndAnswersTheContractsBody(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = get(server, "/t/send-error-500", "X-Request-Id: se-500");

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("X-Request-Id")).isEqualTo("se-500");
            assertThat(r.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,"
                    + "\"detail\":\"An unexpected error occurred. Quote the request id when reporting it.\","
                    + "\"requestId\":\"se-500\"}");
            assertThat(errors(logs)).hasSize(1);
            assertThat(errors(logs).get(0).getFormattedMessage()).contains("se-500", "500", "/t/send-error-500")
                    .doesNotContain("hunter2");
        }
    }

    /** The first and last error statuses are errors too: a problem, never the container's own page. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void turnsSendErrorAtBothEndsOfTheErrorRangeIntoAProblem(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (int status : new int[] {400, 599}) {
                RawHttp.Response r = get(server, "/t/send-error-" + status);

                assertProblem(r, status);
                assertLeaksNothing(r);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void turnsTheContainers405IntoAProblem(Container container) throws Exception {
        // HttpServlet answers an unimplemented method with sendError(405, "...method... not supported").
        try (RunningServer server = container.start(ctx -> {
            register(ctx);
            ctx.addServlet("getOnly", new HttpServlet() {
                private static final long serialVersionUID = 1L;
            }).addMapping("/get-only");
        })) {
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "DELETE /get-only HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertProblem(r, 405);
            assertLeaksNothing(r);
            assertThat(r.body()).doesNotContain("DELETE", "not supported");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void fillsInABodyForABareErrorStatusButKeepsTheAppsOwnBody(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            assertProblem(get(server, "/t/status-only"), 409);

            RawHttp.Response own = get(server, "/t/own-body");
            assertThat(own.status()).isEqualTo(422);
            assertThat(own.header("Content-Type")).startsWith("application/json");
            assertThat(own.body()).isEqualTo("{\"field\":\"email\"}");
            assertThat(own.header("X-Request-Id")).matches("[0-9a-f]{32}");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void echoesAValidRequestIdOnSuccessToo(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            RawHttp.Response r = get(server, "/t/ok", "X-Request-Id: Abc.123_x-Y");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello");
            assertThat(r.header("X-Request-Id")).isEqualTo("Abc.123_x-Y");
        }
    }

    /** The contract's [A-Za-z0-9._-]{1,64} to its edges: each end of each range, and 64 characters, are kept. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void keepsAnIncomingRequestIdAtTheEdgesOfItsAlphabetAndLength(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (String id : List.of("a", "z", "A", "Z", "0", "9", ".", "_", "-", "x".repeat(64), "az-AZ_09.")) {
                RawHttp.Response r = get(server, "/t/send-error-404", "X-Request-Id: " + id);

                assertProblem(r, 404);
                assertThat(r.header("X-Request-Id")).as(id).isEqualTo(id);
                assertThat(r.body()).as(id).contains("\"requestId\":\"" + id + "\"");
            }
            for (String bad : List.of("/", ":", "@", "[", "`", "{", "x".repeat(65))) {
                assertThat(get(server, "/t/send-error-404", "X-Request-Id: " + bad).header("X-Request-Id")).as(bad)
                        .matches("[0-9a-f]{32}");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void replacesAnUnsafeIncomingRequestId(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            for (String bad : List.of("a".repeat(65), "<script>", "a b", "id%0d%0aInjected:%20yes", "ünïcode")) {
                RawHttp.Response r = get(server, "/t/runtime", "X-Request-Id: " + bad);

                assertProblem(r, 500);
                assertThat(r.header("X-Request-Id")).as(bad).matches("[0-9a-f]{32}");
            }
            // A folded header line: whatever the container makes of it, no header is injected.
            RawHttp.Response folded = RawHttp.exchange(server.port(), "GET /t/ok HTTP/1.1\r\nHost: x\r\n"
                    + "X-Request-Id: ok\r\n Injected: yes\r\nConnection: close\r\n\r\n");
            assertThat(folded.header("Injected")).isNull();
            if (folded.status() == 200) {
                assertThat(folded.header("X-Request-Id")).matches("[0-9a-f]{32}");
            } else {
                assertThat(folded.status()).isEqualTo(400);
            }
            // A bare CR inside the value never reaches the application: the container refuses the request.
            RawHttp.Response bareCr = RawHttp.exchange(server.port(), "GET /t/ok HTTP/1.1\r\nHost: x\r\n"
                    + "X-Request-Id: ok\rInjected: yes\r\nConnection: close\r\n\r\n");
            assertThat(bareCr.header("Injected")).isNull();
            assertThat(bareCr.status()).isEqualTo(400);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void abortsTheConnectionWhenTheResponseWasAlreadyCommitted(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            try (RawHttp c = server.raw()) {
                // Keep-alive: a cleanly ended response would leave the connection open and readResponse would succeed.
                c.send("GET /t/committed HTTP/1.1\r\nHost: x\r\nX-Request-Id: late-failure\r\n\r\n");

                assertThatThrownBy(c::readResponse)
                        .isInstanceOf(IOException.class)
                        .isNotInstanceOf(SocketTimeoutException.class);
            }
            List<ILoggingEvent> errors = errors(logs);
            assertThat(errors).hasSize(1);
            assertThat(logs.text()).contains("late-failure", "/t/committed", LOGGED_SECRET, "SafeErrorFilterTest$App.service");
            // Only the filter's line: Jetty logs what leaves the chain before it aborts the connection,
            // at WARN unless the kit marks it as logged already.
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).singleElement()
                    .matches(e -> e.getLoggerName().equals(SafeErrorFilter.class.getName()), "SafeErrorFilter's");
        }
    }

    /**
     * Tomcat includes an application's error page after a committed response: after a synchronous
     * failure unless it reaches Tomcat as its own client-abort exception, and after an async timeout
     * as an INCLUDE dispatch, which the filter (mapped for INCLUDE as documented) refuses. The page's
     * text would be appended to the half-written body. Jetty renders no error page once committed.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyContainerAndFailureAfterCommit")
    void abortsACommittedResponseWithoutTheApplicationsErrorPage(Container container, String scenario)
            throws Exception {
        AppErrorPage page = new AppErrorPage();
        try (RunningServer server = container.startWithErrorPage(ctx -> {
            register(ctx);
            page.register(ctx);
        }, AppErrorPage.LOCATION); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            String received;
            try (RawHttp c = server.raw()) {
                c.send("GET /t/" + scenario + " HTTP/1.1\r\nHost: x\r\n\r\n");
                received = c.readAll();
            }

            // Nothing after the application's chunk: no page, no last chunk (the connection broke).
            assertThat(received.stripTrailing()).endsWith("\r\n7\r\npartial");
            assertThat(page.calls()).isZero();
            // Logged once, with the stack, by the filter; the container adds no second ERROR.
            assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.ERROR).hasSize(1)
                    .allMatch(e -> e.getLoggerName().equals(SafeErrorFilter.class.getName()));
        }
    }

    static Stream<Arguments> everyContainerAndFailureAfterCommit() {
        return Stream.of(Container.values()).flatMap(c -> Stream.of("committed", "async-committed-timeout")
                .map(scenario -> Arguments.of(c, scenario)));
    }

    /** Any other include passes through the filter untouched. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void passesAnOrdinaryIncludeThrough(Container container) throws Exception {
        AppErrorPage page = new AppErrorPage();
        try (RunningServer server = container.start(ctx -> {
            register(ctx);
            page.register(ctx);
            ctx.addServlet("including", new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, ServletException {
                    resp.getWriter().write("before ");
                    req.getRequestDispatcher(AppErrorPage.LOCATION).include(req, resp);
                }
            }).addMapping("/including");
        })) {
            RawHttp.Response r = get(server, "/including");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("before " + AppErrorPage.TEXT);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void abortsACommittedResponseThatTimesOutInAsyncMode(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            String received;
            try (RawHttp c = server.raw()) {
                c.send("GET /t/async-committed-timeout HTTP/1.1\r\nHost: x\r\n\r\n");
                received = c.readAll();
            }

            assertThat(received).contains("partial").doesNotEndWith("0\r\n\r\n");
            assertThat(logs.events()).filteredOn(e -> e.getLevel() == Level.ERROR).hasSize(1)
                    .allMatch(e -> e.getLoggerName().equals(SafeErrorFilter.class.getName()));
        }
    }

    /**
     * A 500 keeps the outer fields and drops the abandoned result's; also where {@code
     * setHeader(name, null)} does nothing, as in a Servlet 6.0 container (Tomcat 10.1, where those
     * fields went out with the 500): there an outer filter hands down a response that does the same.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void keepsOuterHeadersButDropsTheAbandonedResultsOnA500(Container container) throws Exception {
        for (boolean nullHeaderIgnored : new boolean[] {false, true}) {
            try (RunningServer server = container.start(ctx -> {
                ctx.addFilter("outer", (req, resp, chain) -> {
                    HttpServletResponse response = (HttpServletResponse) resp;
                    response.setHeader("X-Frame-Options", "DENY");
                    chain.doFilter(req, !nullHeaderIgnored ? response : new jakarta.servlet.http.HttpServletResponseWrapper(response) {
                        @Override
                        public void setHeader(String name, String value) {
                            if (value != null) {
                                super.setHeader(name, value);
                            }
                        }
                    });
                }).addMappingForUrlPatterns(null, false, "/*");
                register(ctx);
            })) {
                RawHttp.Response r = get(server, "/t/headers-then-fail");

                assertProblem(r, 500);
                assertThat(r.header("X-Frame-Options")).as("null ignored: " + nullHeaderIgnored).isEqualTo("DENY");
                assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
                assertThat(r.header("X-Request-Id")).isNotNull();
                assertThat(r.header("Content-Disposition")).as("null ignored: " + nullHeaderIgnored).isNull();
                assertThat(r.header("Set-Cookie")).as("null ignored: " + nullHeaderIgnored).isNull();
                assertThat(r.body()).doesNotContain("a,b,c");
            }
        }
    }

    /**
     * sendRedirect completes the response: a failure after it leaves the redirect as it is, on both
     * containers (Tomcat, which holds the redirect until the request ends, sent a 400 page with the
     * connection abort's stack in it).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFailureAfterARedirectLeavesTheRedirect(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response r = get(server, "/t/redirect-then-fail");

            assertThat(r.status()).isEqualTo(302);
            assertThat(r.header("Location")).endsWith("/elsewhere");
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("dev.palisade").doesNotContain(SECRET);
            // Jetty has sent the redirect before the failure reaches the filter: the line may come after it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(logs.text(e -> e.getLevel() == Level.ERROR)).contains("failed after a forward or redirect"));
        }
    }

    /** The same after Servlet 6.1's {@code sendRedirect} overloads, which the 6.1 wrapper passes on past a 6.0 wrapper. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aFailureAfterAServlet61RedirectLeavesTheRedirect(Container container) throws Exception {
        Assumptions.assumeTrue(container.servlet61(), "Servlet 6.0: no sendRedirect overloads");
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            Map<String, Integer> statusByCase = Map.of("redirect-303-then-fail", 303,
                    "redirect-307-kept-buffer-then-fail", 307, "redirect-keeping-buffer-then-fail", 302);
            for (Map.Entry<String, Integer> expected : statusByCase.entrySet()) {
                RawHttp.Response r = get(server, "/t/" + expected.getKey());

                assertThat(r.status()).as(expected.getKey()).isEqualTo(expected.getValue());
                assertThat(r.header("Location")).endsWith("/elsewhere");
                assertThat(r.body()).doesNotContain("Exception").doesNotContain("dev.palisade").doesNotContain(SECRET);
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(logs.lines()).filteredOn(line -> line.contains("failed after a forward or redirect"))
                            .hasSize(statusByCase.size()));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void staysQuietWhenTheClientWentAway(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            List<String> kinds = new java.util.ArrayList<>(
                    List.of("client-gone", "client-gone-wrapped", "client-gone-in-servlet-exception"));
            if (container != Container.TOMCAT) {
                kinds.add("jetty-h2-session-gone");
            }
            for (String kind : kinds) {
                try (RawHttp c = server.raw()) {
                    c.send("GET /t/" + kind + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    c.closedByServer();
                }
            }
            // The container's log too: it stays quiet about its own exception, not about one in a wrapper.
            assertThat(errors(all)).isEmpty();
            assertThat(logs.lines()).filteredOn(line -> line.contains("ended by the client")).hasSize(kinds.size());
        }
    }

    /**
     * A client that resets its connection mid-body while the application reads it, and an
     * application that turns the failed read into an exception of its own: no ERROR (on Tomcat one
     * per departure, with a stack, before).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void staysQuietWhenTheClientLeavesMidBodyAndTheApplicationWrapsTheFailedRead(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            int departures = 3;
            for (int i = 0; i < departures; i++) {
                CountDownLatch reading = new CountDownLatch(1);
                READING.set(reading);
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                    s.getOutputStream().write(("POST /t/read-wrapped HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                            + "a".repeat(100)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
                    s.setSoLinger(true, 0);
                }
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(logs.lines()).filteredOn(line -> line.contains("/t/read-wrapped")).hasSize(departures));
            assertThat(logs.lines()).filteredOn(line -> line.contains("/t/read-wrapped"))
                    // Tomcat: the client's departure; Jetty: the body's early end, a client fault (400).
                    .allMatch(line -> line.startsWith("DEBUG"));
            assertThat(errors(all)).isEmpty();
        }
    }

    /**
     * Tomcat's {@code ClientAbortException} in the application's own exception is the client's
     * departure only when it is this request's failed read and the read did not time out (the client
     * may still be there): a body that stalls past Tomcat's connection timeout stays the server's
     * failure, logged, and the client gets no page with the application's frames. Nor is one from
     * elsewhere (another client's stream) this client's: a 500 problem, logged.
     */
    @Test
    void onTomcatOnlyThisRequestsFailedReadIsADepartureNotATimeoutNorAnotherStream() throws Exception {
        try (RunningServer server = dev.palisade.filters.testing.Container.startTomcat("", SafeErrorFilterTest::register,
                context -> { }, connector -> connector.setProperty("connectionTimeout", "1000"));
                LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            READING.set(new CountDownLatch(1));
            try (RawHttp c = server.raw()) {
                c.send("POST /t/read-wrapped HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "a".repeat(100));
                String answer = c.readAll();

                // Tomcat's own page, as for any failure after a failed read (see docs: showReport=false),
                // shows the kit's abort, not the application's frames nor the read's.
                assertThat(answer).doesNotContain("SafeErrorFilterTest$App").doesNotContain("readAllBytes");
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(errors(logs)).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("/t/read-wrapped")));

            RawHttp.Response other = get(server, "/t/other-stream-gone");
            assertProblem(other, 500);
            assertThat(errors(logs)).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("/t/other-stream-gone"));
        }
    }

    /** A {@code ClosedChannelException} the application's own code raised is the server's failure: 500, logged. */
    @Test
    void anOwnChannelsClosedChannelIsTheServersFailureOnJetty() throws Exception {
        try (RunningServer server = start(Container.JETTY); LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                RawHttp c = server.raw()) {
            c.send("GET /t/own-channel-closed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertProblem(c.readResponse(), 500);
            assertThat(logs.text(e -> e.getLevel() == Level.ERROR)).contains("ClosedChannelException");
        }
    }

    /**
     * On Tomcat only Tomcat's own exception is taken out of the application's wrapper: Jetty's
     * {@code EofException} there comes from a backend (Jetty's HttpClient), and Tomcat's ERROR must
     * keep the wrapper's message and stack.
     */
    @Test
    void keepsTheApplicationsWrapperOfABackendsEofExceptionOnTomcat() throws Exception {
        try (RunningServer server = start(Container.TOMCAT); LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RawHttp c = server.raw()) {
            c.send("GET /t/backend-eof-wrapped HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttp.Response r = c.readResponse();

            // A server failure like any other: the filter's 500 problem, logged once with its stack.
            assertProblem(r, 500);
            assertThat(r.body()).doesNotContain("payment");
            assertThat(all.text(e -> e.getLevel() == Level.ERROR && e.getThrowableProxy() != null
                    && e.getThrowableProxy().getClassName().equals("java.io.UncheckedIOException")))
                    .contains("payment backend call failed");
        }
    }

    /**
     * {@code gone}, after the response was committed on Jetty: Jetty raises its {@code EofException}
     * for a departed client (outside HTTP/2) only when a write of the response fails, and the same
     * class before the commit is a backend's (see {@link #aBackendsEofExceptionBeforeTheCommitIsTheServersFailure}).
     */
    private static <T extends Exception> T departed(HttpServletRequest req, HttpServletResponse resp, T gone)
            throws IOException {
        if (!req.getServletContext().getServerInfo().startsWith("Apache Tomcat")) {
            resp.getWriter().write("partial");
            resp.flushBuffer();
        }
        return gone;
    }

    /**
     * Jetty's {@code EofException} before anything was written is a backend's (Jetty's HttpClient),
     * not the client's departure: the server's failure, answered with the 500 problem and logged once
     * with its stack. Rethrown, it had Jetty answer with its own page quoting the exception's class
     * and message, or (an async cycle started) nothing until the async timeout.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aBackendsEofExceptionBeforeTheCommitIsTheServersFailure(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture all = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            for (String kind : List.of("backend-eof", "backend-eof-wrapped", "backend-eof-async")) {
                int endsBefore = BACKEND_EOF_CYCLE_ENDS.get();
                RawHttp.Response r = get(server, "/t/" + kind);

                assertProblem(r, 500);
                assertLeaksNothing(r);
                assertThat(r.body()).as(kind).doesNotContain("backend", "Eof");
                String id = bodyId(r);
                assertThat(errors(all)).as(kind).filteredOn(e -> e.getFormattedMessage().contains(id))
                        .singleElement().satisfies(e -> assertThat(e.getThrowableProxy()).isNotNull());
                if (kind.endsWith("async")) {
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                            .until(() -> BACKEND_EOF_CYCLE_ENDS.get() > endsBefore);
                }
            }
        }
    }

    /** The exception the container throws into the application when the client has gone. */
    static java.io.IOException clientGone(HttpServletRequest req) {
        return req.getServletContext().getServerInfo().startsWith("Apache Tomcat")
                ? new org.apache.catalina.connector.ClientAbortException(SECRET)
                : new org.eclipse.jetty.io.EofException(SECRET);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void turnsAnAsyncSendErrorIntoAProblem(Container container) throws Exception {
        try (RunningServer server = start(container)) {
            RawHttp.Response r = get(server, "/t/async-send-error");

            assertProblem(r, 404);
            assertLeaksNothing(r);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAnAsyncTimeoutWithAProblemAndLeavesAsyncBodiesAlone(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response timedOut = get(server, "/t/async-timeout");

            assertProblem(timedOut, 500);
            assertLeaksNothing(timedOut);
            assertThat(errors(logs)).hasSize(1);
            assertThat(errors(logs).get(0).getFormattedMessage()).contains(bodyId(timedOut), "timed out");

            RawHttp.Response own = get(server, "/t/async-own-body");
            assertThat(own.status()).isEqualTo(404);
            assertThat(own.body()).isEqualTo("async body");
        }
    }

    /**
     * After {@code AsyncContext.dispatch()} the servlet runs again in an ASYNC dispatch. Mapped for
     * REQUEST only, the filter would miss it: both containers then showed their own error page with
     * the exception's text (Tomcat with the stack), and a {@code sendError} recorded by the filter's
     * wrapper was never answered (a 200 with no body).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersFailuresInAnAsyncDispatchAsProblems(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            RawHttp.Response thrown = get(server, "/t/async-dispatch-throws");
            RawHttp.Response sent = get(server, "/t/async-dispatch-send-error");
            RawHttp.Response sentOnFirst = get(server, "/t/async-dispatch-first-response-send-error");

            assertProblem(thrown, 500);
            assertLeaksNothing(thrown);
            assertProblem(sent, 503);
            assertLeaksNothing(sent);
            assertProblem(sentOnFirst, 503);
            assertLeaksNothing(sentOnFirst);
            // Each 5xx logged once: the exception with its stack, the 503s as a status.
            assertThat(errors(logs)).hasSize(3);
            assertThat(errors(logs).get(0).getFormattedMessage()).contains(bodyId(thrown), "failed and was answered 500");
            assertThat(errors(logs).get(0).getThrowableProxy()).isNotNull();
            assertThat(errors(logs).get(1).getFormattedMessage()).contains(bodyId(sent), "answered 503");
            assertThat(errors(logs).get(2).getFormattedMessage()).contains(bodyId(sentOnFirst), "answered 503");
        }
    }

    /**
     * Jetty 12 and Tomcat 11 refuse a broken percent-escape or non-UTF-8 bytes in a query string or
     * a form body only when the application calls {@code getParameter}, by throwing into it. That is
     * the client's mistake: a 400, not a 500 with an ERROR and a stack (Tomcat's message quotes the
     * parameter's value) for anyone who types a stray '%'.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAParameterTheContainerCannotDecodeWith400AndNoAlarm(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            RawHttp.Response badEscape = get(server, "/t/param?a=%zz");
            RawHttp.Response notUtf8 = get(server, "/t/param?a=%ff");
            RawHttp.Response badForm = RawHttp.exchange(server.port(), "POST /t/param HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\nConnection: close\r\n\r\na=%zz!");
            RawHttp.Response fine = get(server, "/t/param?a=%41");

            for (RawHttp.Response r : List.of(badEscape, notUtf8, badForm)) {
                if (container.tomcat10()) {
                    // Tomcat 10.1 drops a parameter it cannot decode, and the application goes on without it.
                    assertThat(r.status()).isEqualTo(200);
                    continue;
                }
                assertProblem(r, 400);
                assertLeaksNothing(r);
            }
            assertThat(fine.body()).isEqualTo("A");
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(logs.text()).doesNotContain("%zz");
        }
    }

    /** Without the filter the client would wait for the async timeout, and the container log the failure. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAFailedAsyncTaskAtOnce(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            RawHttp.Response r = get(server, "/t/async-task-throws");

            assertProblem(r, 500);
            assertLeaksNothing(r);
            List<ILoggingEvent> problems = logs.events().stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).collect(Collectors.toList());
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0).getLoggerName()).isEqualTo(SafeErrorFilter.class.getName());
            assertThat(problems.get(0).getFormattedMessage()).contains(bodyId(r), "asynchronous task");
            assertThat(problems.get(0).getThrowableProxy().getMessage()).endsWith(": " + LOGGED_SECRET);
        }
    }

    /**
     * Mapped by hand, the filter cannot know that an ASYNC dispatch would pass through it before the
     * servlet, so a task failing after the commit is not dispatched: the connection is aborted at the
     * async timeout (1 s here), as before, but the failure is logged once, by the filter, redacted,
     * and not handed to the container, which logged its message as it was.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingAfterTheCommitIsLoggedOnceRedactedAndAbortedAtTheTimeout(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            String received;
            try (RawHttp c = server.raw()) {
                received = c.send("GET /t/async-task-throws-after-commit HTTP/1.1\r\nHost: x\r\nX-Request-Id: after-commit-1\r\n\r\n")
                        .readAll();
            }

            assertThat(received).startsWith("HTTP/1.1 200").contains("partial").doesNotEndWith("0\r\n\r\n");
            List<ILoggingEvent> alarms = logs.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filter(e -> !e.getFormattedMessage().startsWith("No servlet is mapped")).collect(Collectors.toList());
            assertThat(alarms).as(logs.text()).hasSize(1);
            assertThat(alarms.get(0).getLoggerName()).isEqualTo(SafeErrorFilter.class.getName());
            assertThat(alarms.get(0).getFormattedMessage()).startsWith("Request after-commit-1 failed in an asynchronous "
                    + "task after its response was committed; the connection is aborted at the async timeout");
            assertThat(alarms.get(0).getThrowableProxy().getMessage()).endsWith(": " + LOGGED_SECRET);
            assertThat(logs.text()).doesNotContain(SECRET);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void leavesAnAsyncTimeoutTheApplicationAnsweredAlone(Container container) throws Exception {
        try (RunningServer server = start(container); LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            RawHttp.Response empty = get(server, "/t/async-timeout-answered");
            RawHttp.Response withBody = get(server, "/t/async-timeout-answered-body");
            RawHttp.Response byEvent = get(server, "/t/async-timeout-answered-by-event");
            RawHttp.Response restarted = get(server, "/t/async-restart-timeout-answered");

            assertThat(empty.status()).isEqualTo(204);
            assertThat(byEvent.status()).isEqualTo(204);
            assertThat(restarted.status()).isEqualTo(204);
            assertThat(withBody.status()).isEqualTo(200);
            assertThat(withBody.body()).isEqualTo("no news");
            // Neither a false alarm from the filter nor a container complaint about a listener.
            assertThat(logs.events()).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        }
    }

    /**
     * Jetty's context answers unmapped paths with a 404 servlet, so the filter runs. Tomcat answers
     * them before any filter when nothing is mapped to "/"; with its DefaultServlet mapped, it runs.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void answersAnUnknownPathWithAProblem404(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                RunningServer server = container.start(ctx -> {
                    register(ctx);
                    if (container == Container.TOMCAT) {
                        var fallback = ctx.addServlet("default", new org.apache.catalina.servlets.DefaultServlet());
                        fallback.addMapping("/");
                    }
                })) {
            RawHttp.Response r = get(server, "/no/such/path");

            assertProblem(r, 404);
            assertLeaksNothing(r);
            assertThat(logs.text()).doesNotContain("No servlet is mapped");
        }
    }

    /** A servlet mapped to "/*" (as JAX-RS servlets are) answers every path: no warning (found by review). */
    @ParameterizedTest
    @EnumSource(Container.class)
    void doesNotWarnWhenAServletTakesEveryPath(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                RunningServer server = container.start(ctx -> {
                    ctx.addFilter("safe", new SafeErrorFilter())
                            .addMappingForUrlPatterns(java.util.EnumSet.of(DispatcherType.REQUEST), false, "/*");
                    ctx.addServlet("everything", new HttpServlet() {
                        @Override
                        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                            resp.sendError(404);
                        }
                    }).addMapping("/*");
                })) {
            RawHttp.Response r = get(server, "/no/such/path");

            assertProblem(r, 404);
            assertThat(logs.text()).doesNotContain("No servlet is mapped");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void warnsOnTomcatWhenNoServletIsMappedToSlash(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class);
                RunningServer server = start(container)) {
            RawHttp.Response r = get(server, "/no/such/path");

            assertThat(r.status()).isEqualTo(404);
            if (container == Container.JETTY) {
                assertProblem(r, 404);
                assertThat(logs.text()).doesNotContain("No servlet is mapped");
            } else {
                // Tomcat's own page: the filter never ran. This is what the warning is about.
                assertThat(r.header("Content-Type")).doesNotStartWith(ProblemResponse.CONTENT_TYPE);
                assertThat(logs.text()).contains("No servlet is mapped to \"/\"");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failsInitOnAnyInitParam(Container container) {
        try (LogCapture logs = LogCapture.of(SafeErrorFilter.class)) {
            assertThatThrownBy(() -> container.start(ctx -> {
                FilterRegistration.Dynamic f = ctx.addFilter("safeErrors", new SafeErrorFilter());
                f.setInitParameter("showStacks", "true");
                f.addMappingForUrlPatterns(null, false, "/*");
            })).isInstanceOf(Container.ContextFailedException.class);
            assertThat(errors(logs)).hasSize(1);
            assertThat(errors(logs).get(0).getFormattedMessage()).contains("safeErrors", "showStacks");
        }
    }
}
