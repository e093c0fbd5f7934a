package dev.palisade.filters;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
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
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * A task given to {@code AsyncContext.start} throws while the async timeout is being handled on
 * the container's thread: each saw the cycle not yet ended, so both logged the request and wrote
 * an answer (found by review: on Jetty a third of such requests were logged two or three times).
 * The task's answer is held inside its log call until the timeout has reached the application's
 * listener, which makes the overlap certain rather than likely.
 */
class AsyncFailureRaceTest {
    private static final String TASK_FAILED = "failed in an asynchronous task";

    private final CountDownLatch timeoutReached = new CountDownLatch(1);

    /** Holds the task's ERROR until the container's timeout thread is inside the listeners. */
    private final class HoldTaskAnswer extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                Object[] params, Throwable t) {
            if (level == Level.ERROR && format != null && format.contains(TASK_FAILED)) {
                try {
                    timeoutReached.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FilterReply.NEUTRAL;
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingWhileTheTimeoutIsHandledIsAnsweredAndLoggedOnce(Container container) throws Exception {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        HoldTaskAnswer hold = new HoldTaskAnswer();
        hold.start();
        logging.addTurboFilter(hold);
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = container.start(ctx -> behindSafeErrors(ctx, new TaskFailingAtTimeout(timeoutReached)))) {
            RawHttp.Response r;
            RawHttp.Response next;
            String nextRequest = "GET /t HTTP/1.1\r\nHost: x\r\nX-Request-Id: next-1\r\nConnection: close\r\n\r\n";
            try (RawHttp connection = RawHttp.connect(server.port())) {
                r = connection.send("GET /t HTTP/1.1\r\nHost: x\r\nX-Request-Id: race-1\r\n\r\n").readResponse();
                // Jetty: the cycle ended cleanly, so the connection serves the next request. Tomcat
                // closes a connection after every async timeout, however the application answered it.
                next = container == Container.TOMCAT ? RawHttp.exchange(server.port(), nextRequest)
                        : connection.send(nextRequest).readResponse();
            }

            assertThat(timeoutReached.getCount()).as("the timeout reached the application's listener").isZero();
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.body()).contains("\"requestId\":\"race-1\"").doesNotContain("hunter2");
            assertThat(next.status()).isEqualTo(500);
            assertThat(next.body()).contains("\"requestId\":\"next-1\"");
            // Tomcat's warning at start (no servlet at "/") is the fixture's, not the requests'.
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filteredOn(e -> !e.getFormattedMessage().startsWith("No servlet is mapped"))
                    .extracting(e -> e.getFormattedMessage().substring(0, e.getFormattedMessage().indexOf(':')))
                    .containsExactly("Request race-1 " + TASK_FAILED + " and was answered 500",
                            "Request next-1 " + TASK_FAILED + " and was answered 500");
        } finally {
            logging.getTurboFilterList().remove(hold);
        }
    }

    /**
     * The other way round: the task throws while the timeout's answer is being written (held in
     * its log call until the task has failed). The timeout answers; the task's failure is logged
     * once, redacted, not handed to the container, which logged its message as it was.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingWhileTheTimeoutIsAnsweredIsLoggedRedacted(Container container) throws Exception {
        CountDownLatch timeoutAnswering = new CountDownLatch(1);
        CountDownLatch taskLogged = new CountDownLatch(1);
        TurboFilter holdTimeout = new TurboFilter() {
            @Override
            public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
                    Object[] params, Throwable t) {
                if (level == Level.ERROR && format != null && format.contains("timed out in asynchronous mode")) {
                    timeoutAnswering.countDown();
                    await(taskLogged);
                } else if (level == Level.ERROR && format != null && format.contains("while its timeout was being answered")) {
                    taskLogged.countDown();
                }
                return FilterReply.NEUTRAL;
            }
        };
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        holdTimeout.start();
        logging.addTurboFilter(holdTimeout);
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = container.start(ctx -> behindSafeErrors(ctx, new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        AsyncContext async = req.startAsync(req, resp);
                        async.setTimeout(50);
                        async.start(() -> {
                            await(timeoutAnswering);
                            throw new IllegalStateException("password=hunter2");
                        });
                    }
                }))) {
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "GET /t HTTP/1.1\r\nHost: x\r\nX-Request-Id: race-2\r\nConnection: close\r\n\r\n");

            assertThat(taskLogged.getCount()).as("the task failed while the timeout was answered").isZero();
            // Counted down as the task's line was about to be written, on the task's thread.
            assertThat(logs.awaitMessage("while its timeout was being answered", 10_000)).isTrue();
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).contains("\"requestId\":\"race-2\"");
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filteredOn(e -> !e.getFormattedMessage().startsWith("No servlet is mapped"))
                    .extracting(e -> e.getFormattedMessage().substring(0, e.getFormattedMessage().indexOf(':')))
                    .containsExactlyInAnyOrder("Request race-2 timed out in asynchronous mode and was answered 500",
                            "Request race-2 failed in an asynchronous task while its timeout was being answered");
            assertThat(logs.text()).doesNotContain("hunter2");
        } finally {
            logging.getTurboFilterList().remove(holdTimeout);
        }
    }

    /** A task that answered its request and then threw: logged once, redacted, not by the container. */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aTaskFailingAfterItAnsweredIsLoggedRedacted(Container container) throws Exception {
        try (LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
                RunningServer server = container.start(ctx -> behindSafeErrors(ctx, new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        AsyncContext async = req.startAsync(req, resp);
                        async.start(() -> {
                            try {
                                async.getResponse().getWriter().write("done");
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            async.complete();
                            throw new IllegalStateException("password=hunter2");
                        });
                    }
                }))) {
            RawHttp.Response r = RawHttp.exchange(server.port(),
                    "GET /t HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("done");
            // The task's log line may come after the response.
            assertThat(logs.awaitMessage("An asynchronous task failed after its request had been answered or dispatched", 10_000)).isTrue();
            assertThat(logs.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filteredOn(e -> !e.getFormattedMessage().startsWith("No servlet is mapped")).hasSize(1);
            assertThat(logs.text()).doesNotContain("hunter2");
        }
    }

    /** The error boundary, mapped for requests and async dispatches, before {@code servlet} at {@code /t}. */
    private static void behindSafeErrors(ServletContext ctx, HttpServlet servlet) {
        FilterRegistration.Dynamic f = ctx.addFilter("safeErrors", new SafeErrorFilter());
        f.setAsyncSupported(true);
        f.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
        ServletRegistration.Dynamic app = ctx.addServlet("app", servlet);
        app.setAsyncSupported(true);
        app.addMapping("/t");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a task that throws at once, with a short timeout and a listener of the application's. */
    static final class TaskFailingAtTimeout extends HttpServlet {
        private final transient CountDownLatch timeoutReached;

        TaskFailingAtTimeout(CountDownLatch timeoutReached) {
            this.timeoutReached = timeoutReached;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync(req, resp);
            async.setTimeout(50);
            async.addListener(new AsyncListener() {
                @Override
                public void onTimeout(AsyncEvent event) {
                    timeoutReached.countDown();
                }

                @Override
                public void onComplete(AsyncEvent event) {
                    // Nothing to release.
                }

                @Override
                public void onError(AsyncEvent event) {
                    // The filter answers.
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                    // One cycle only.
                }
            });
            async.start(() -> {
                throw new IllegalStateException("password=hunter2");
            });
        }
    }
}
