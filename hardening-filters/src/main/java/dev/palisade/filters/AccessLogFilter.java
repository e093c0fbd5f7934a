package dev.palisade.filters;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request on the {@code dev.palisade.access} logger:
 * <pre>GET /api/events?page=2&amp;token=*** status=200 bytes=512 durationMs=3 requestId=4f3a…</pre>
 * The path and query are redacted ({@link Redactor}: sensitive query values, emails, tokens and card
 * numbers masked, control characters escaped, spaces as {@code %20}) so a request cannot forge a
 * line or plant personal data in the log. Never logged: bodies, headers ({@code Authorization},
 * {@code Cookie} or any other).
 *
 * <p>Bytes are the body bytes written through the response (stream or writer), or
 * {@code Content-Length} when the body bypassed the wrapper. Asynchronous requests are logged
 * when they complete. If the chain throws, the line says 500 (or the committed status, or the
 * status of the chain's own answer that the departed client never got).
 *
 * <p>Ordering: register it first (outermost), then {@code SafeErrorFilter}: the line then shows the
 * status and size of the problem body the error filter wrote. Registered after the error filter it
 * still logs 500 for a failed request, but without the error body's size. Register it for the
 * {@code REQUEST} dispatch (other dispatches pass through unlogged) with async support on.
 */
public final class AccessLogFilter implements Filter {
    /** The logger name lines are written to unless {@link Config#loggerName()} says otherwise. */
    public static final String DEFAULT_LOGGER = "dev.palisade.access";
    static final Set<String> INIT_PARAMS = Set.of();

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogFilter.class);
    private static final String LINE = "{} {} status={} bytes={} durationMs={} requestId={}";
    /** Request attribute holding an async request's {@link CompletionListener}, for an async dispatch that aborts it. */
    private static final String COMPLETION = AccessLogFilter.class.getName() + ".completion";

    private final Config preset;
    private final LongSupplier nanoTime;
    private volatile Logger access = LoggerFactory.getLogger(DEFAULT_LOGGER);

    /** Logs to {@code dev.palisade.access}; takes no init-params. */
    public AccessLogFilter() {
        this(null, System::nanoTime);
    }

    /** Programmatic configuration. */
    public AccessLogFilter(Config config) {
        this(Objects.requireNonNull(config, "config"), System::nanoTime);
    }

    AccessLogFilter(Config config, LongSupplier nanoTime) {
        this.preset = config;
        this.nanoTime = nanoTime;
        if (config != null) {
            access = LoggerFactory.getLogger(config.loggerName());
        }
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        try {
            if (preset == null) {
                Settings.from(filterConfig, INIT_PARAMS, null);
            } else {
                Settings.requireNoInitParams(filterConfig);
            }
        } catch (InvalidSettingException e) {
            LOG.error("{}", e.getMessage());
            throw new ServletException(filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(request)) {
            return;
        }
        Logger log = access;
        DispatcherType dispatch = request.getDispatcherType();
        if (dispatch == DispatcherType.ASYNC) {
            asyncDispatch(request, response, chain);
            return;
        }
        if (!log.isInfoEnabled() || dispatch != DispatcherType.REQUEST
                || !(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse plain)) {
            chain.doFilter(request, response);
            return;
        }
        long start = nanoTime.getAsLong();
        RequestIds.ensure(http, plain);
        // Read now: once a filter has closed the connection, Liberty's request forgets its query.
        Requested requested = new Requested(LogSafe.escape(http.getMethod()), target(http));
        CountingResponse counting = new CountingResponse(plain);
        boolean completed = false;
        try {
            chain.doFilter(request, counting);
            completed = true;
        } finally {
            if (!completed) {
                // Uncommitted: the container answers 500, unless the chain's own answer, its status
                // set, could not be written because the client had gone (Payara closes on a body cut
                // short). Not a problem an include wrote: its status never reached the response.
                int problem = problemStatus(http);
                int status = counting.isCommitted() ? counting.getStatus()
                        : problem != 0 && counting.getStatus() == problem ? problem : 500;
                log(log, requested, http, counting, start, status);
            } else if (!http.isAsyncStarted() || !logOnCompletion(log, requested, http, counting, start)) {
                // A status noted at a commit is what the client got: an async cycle that already
                // failed on another thread may have had Tomcat set 500 on the response since.
                int noted = counting.statusAtCommit();
                log(log, requested, http, counting, start, noted != 0 ? noted : counting.getStatus());
            }
        }
    }

    /**
     * An {@code ASYNC} dispatch. Where it ends a committed response by breaking the connection (the
     * one in which {@link SafeErrorFilter} does so for a task that failed after commit, or one that
     * fails after commit: a refused dispatch's {@link RefusedAfterCommitException}), the line is
     * written then, with the status the client got: Jetty tells no listener of a cycle whose
     * response is aborted, so onComplete never comes there (the boundary tells the application's
     * listeners, not the kit's own).
     */
    private static void asyncDispatch(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean endsFailedTask = request.getAttribute(SafeErrorFilter.COMMITTED_TASK_FAILURE) != null;
        boolean completed = false;
        try {
            chain.doFilter(request, response);
            completed = true;
        } finally {
            if ((endsFailedTask || !completed)
                    && request.getAttribute(COMPLETION) instanceof CompletionListener completion) {
                completion.logIfCommitted();
            }
        }
    }

    /** The status of the problem the chain wrote for this request, or 0 (see {@link ProblemResponse#SENT_STATUS}). */
    private static int problemStatus(HttpServletRequest http) {
        return http.getAttribute(ProblemResponse.SENT_STATUS) instanceof Integer sent ? sent : 0;
    }

    private boolean logOnCompletion(Logger log, Requested requested, HttpServletRequest http, CountingResponse counting,
            long start) {
        counting.noteRequestThreadReturned();
        try {
            CompletionListener completion = new CompletionListener(log, requested, http, counting, start);
            http.getAsyncContext().addListener(completion);
            http.setAttribute(COMPLETION, completion);
            return true;
        } catch (IllegalStateException alreadyCompleted) {
            LOG.debug("Async request completed before its access-log listener was added; logging now");
            return false;
        }
    }

    private void log(Logger log, Requested requested, HttpServletRequest http, CountingResponse counting, long start,
            int status) {
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanoTime.getAsLong() - start));
        log.info(LINE, requested.method(), requested.target(), status, bytes(http, counting), millis, RequestIds.of(http));
    }

    /** The request line's method and target as logged (escaped, redacted). */
    private record Requested(String method, String target) {
    }

    /** Redacted path and query as one space-free token. */
    static String target(HttpServletRequest http) {
        String path = Redactor.redact(http.getRequestURI());
        String query = http.getQueryString();
        String redacted = query == null ? path : path + '?' + Redactor.redactQuery(query);
        return redacted.indexOf(' ') < 0 ? redacted : spacesEncoded(redacted);
    }

    /** {@code text} with each space as {@code %20}, in one pass (a replace per space was quadratic). */
    private static String spacesEncoded(String text) {
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                out.append("%20");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static long bytes(HttpServletRequest http, CountingResponse counting) {
        if ("HEAD".equals(http.getMethod())) {
            // Servlet 6's HttpServlet.doHead runs doGet on the real response, so the wrapper counts
            // a body the container then drops: a HEAD response sends none.
            return 0;
        }
        long counted = counting.bytes();
        if (counted > 0) {
            return counted;
        }
        String length = counting.getHeader("Content-Length");
        if (length == null) {
            return 0;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The access log's settings.
     *
     * @param loggerName the SLF4J logger lines go to (default {@code dev.palisade.access})
     */
    public record Config(String loggerName) {
        public Config {
            if (loggerName == null || loggerName.isBlank()) {
                throw new InvalidSettingException("loggerName", "AccessLogFilter loggerName must not be blank");
            }
        }

        /** A builder logging to {@value AccessLogFilter#DEFAULT_LOGGER}. */
        public static Builder builder() {
            return new Builder();
        }
    }

    /** Builds a {@link Config}. */
    public static final class Builder {
        private String loggerName = DEFAULT_LOGGER;

        private Builder() {
        }

        /** The SLF4J logger the lines go to, so that a logging configuration can route them apart. */
        public Builder loggerName(String loggerName) {
            this.loggerName = loggerName;
            return this;
        }

        public Config build() {
            return new Config(loggerName);
        }
    }

    private final class CompletionListener implements KitAsyncListener {
        private final Logger log;
        private final Requested requested;
        private final HttpServletRequest http;
        private final CountingResponse counting;
        private final long start;
        private final AtomicBoolean logged = new AtomicBoolean();

        CompletionListener(Logger log, Requested requested, HttpServletRequest http, CountingResponse counting, long start) {
            this.log = log;
            this.requested = requested;
            this.http = http;
            this.counting = counting;
            this.start = start;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (logged.compareAndSet(false, true)) {
                log(log, requested, http, counting, start, counting.getStatus());
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // Uncommitted, the timeout handling decides the status, and onComplete logs it.
            logIfCommitted();
        }

        @Override
        public void onError(AsyncEvent event) {
            logIfCommitted();
        }

        /**
         * A committed response already told the client its status. What follows may abort the
         * connection (SafeErrorFilter does; Jetty then never completes the cycle, so onComplete never
         * comes) or set a status the client never sees (Tomcat's 500): the line is written now.
         */
        private void logIfCommitted() {
            if (counting.isCommitted() && logged.compareAndSet(false, true)) {
                log(log, requested, http, counting, start, committedStatus());
            }
        }

        /**
         * The status of the committed response. Not seen committed through this wrapper, it was
         * committed on the container's response past it: by SafeErrorFilter's problem (Payara commits
         * once a body of its declared length is written), or by the application's own listener (a
         * no-argument {@code startAsync()} hands that response out), and the response says which
         * status went out, unless a task failed on it: Tomcat then sets 500 there though the client
         * got the first, and notes the task's exception as {@code jakarta.servlet.error.exception}.
         * A response that reads 200 where async code had set another status through this wrapper
         * lost it to a race (a task's redirect while Tomcat's timeout ran): the one set stands.
         */
        private int committedStatus() {
            if (counting.statusAtCommit() != 0) {
                return counting.statusAtCommit();
            }
            int problem = problemStatus(http);
            int status = counting.getStatus();
            if (problem != 0 && status == problem) {
                return problem;
            }
            int setByAsyncCode = counting.statusSetByAsyncCode();
            if (status == HttpServletResponse.SC_OK && setByAsyncCode != 0) {
                return setByAsyncCode;
            }
            return http.getAttribute(RequestDispatcher.ERROR_EXCEPTION) == null ? status : counting.committedStatus();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A new async cycle drops the listeners of the previous one; stay registered.
            event.getAsyncContext().addListener(this);
        }
    }
}
