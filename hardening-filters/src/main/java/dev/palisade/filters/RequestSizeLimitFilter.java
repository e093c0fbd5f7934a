package dev.palisade.filters;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits the size of request bodies. A {@code Content-Length} above the limit is answered 413
 * before a byte of the body is read; a body without a length (chunked, or HTTP/2 without the
 * field) is counted as it streams — through {@code getInputStream()}, {@code getReader()},
 * {@code getParameter*()}, {@code getParts()} and asynchronous {@code ReadListener} reads alike —
 * and the request ends in 413 the moment it passes the limit. An invalid {@code Content-Length}
 * (not a number, negative, conflicting values) is answered 400. Every answer is a problem+json
 * body, over HTTP/1.x with {@code Connection: close}: an unread body makes the connection's framing
 * useless.
 *
 * <p>Settings: {@code maxBytes} (or {@code REQUEST_SIZE_LIMIT_KB} × 1024; default 1 MiB),
 * {@code pathLimits} (per-path overrides, see {@link PathLimits}), {@code maxParameters} (form
 * parameters or multipart parts, default 1000), {@code multipartThresholdBytes} (parts larger
 * than this go to a temporary file, default 16 KiB) and {@code maxFormBytes} (the most of a form body,
 * or of a multipart body's text fields, this filter decodes into memory itself; default 2 MiB).
 *
 * <p><b>Ordering.</b> Map it ahead of every filter that may touch the body (in {@link Hardening}'s
 * chain it follows the access log, error, header and rate-limit filters, none of which does; a
 * {@code getParameter} call in an earlier filter reads the body from the container's own stream,
 * uncounted). Code that unwraps the request ({@code ServletRequestWrapper.getRequest()}) and reads
 * the container's request directly is not counted either. Register it with
 * {@code asyncSupported=true} so asynchronous servlets behind it keep working.
 *
 * <p><b>Closing.</b> After a 413 or 400 the rest of the body is not read, and the connection is
 * closed, not drained. Jetty closes it on {@code Connection: close}; Tomcat would first read and
 * discard up to its connector's {@code maxSwallowSize} (2 MiB), so there, over HTTP/1.x, the
 * filter flushes its answer and ends the request with Tomcat's own {@code ClientAbortException},
 * which Tomcat handles quietly by closing at once (see {@link ConnectionAbort}). Over HTTP/2 nothing
 * is drained: the container resets the stream (on Quarkus, the filter has it reset with
 * {@code NO_ERROR} as the answer ends), and nothing is thrown.
 */
public final class RequestSizeLimitFilter implements Filter {
    public static final long DEFAULT_MAX_BYTES = 1024L * 1024;
    public static final int DEFAULT_MAX_PARAMETERS = 1000;
    public static final long DEFAULT_MULTIPART_THRESHOLD_BYTES = 16 * 1024;
    /** Tomcat's default {@code maxPostSize}: what a container decodes of a form with a length. */
    public static final long DEFAULT_MAX_FORM_BYTES = 2L * 1024 * 1024;
    static final String MAX_BYTES = "maxBytes";
    static final String PATH_LIMITS = "pathLimits";
    static final String MAX_PARAMETERS = "maxParameters";
    static final String MULTIPART_THRESHOLD = "multipartThresholdBytes";
    static final String MAX_FORM_BYTES = "maxFormBytes";
    static final String ENV_LIMIT_KB = "REQUEST_SIZE_LIMIT_KB";
    static final Set<String> INIT_PARAMS = Set.of(MAX_BYTES, PATH_LIMITS, MAX_PARAMETERS, MULTIPART_THRESHOLD,
            MAX_FORM_BYTES);
    /** Request attribute holding the counting wrapper of a request with a body. */
    static final String WRAPPED_ATTRIBUTE = SizeLimitedRequest.class.getName();
    /** Methods whose requests carry no body in practice; any other may, even with no framing field left. */
    private static final Set<String> BODYLESS_BY_CONVENTION = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private static final Logger LOG = LoggerFactory.getLogger(RequestSizeLimitFilter.class);

    private final Function<String, String> env;
    private final RejectionLog tooLarge = new RejectionLog(LOG, "requests over the size limit (413)");
    private final RejectionLog badRequests = new RejectionLog(LOG,
            "requests with an invalid Content-Length or a malformed body (400), or an unknown charset or parts asked of a body "
            + "without them (415)");
    /** The configuration given in code, or {@code null}: read from the settings at each {@link #init}. */
    private final Config preset;
    private volatile Config config;
    private volatile SizeLimitedRequest.BodyOptions bodyOptions;
    private final ConnectionAbort.Known abort = new ConnectionAbort.Known();
    /** Whether a bodyless-looking GET may carry an inflated body (see {@link #mayHaveBody}); Tomcat inflates none. */
    private volatile boolean inflationPossible = true;
    /** Tomcat breaks the connection itself after a failed read (see {@link #answerAfterChain}). */
    private volatile boolean onTomcat;
    /** Whether the fields above are the container's: set in init(), or by the first request without it. */
    private volatile boolean containerKnown;

    /** Configured in {@link #init} from init-params and the environment. */
    public RequestSizeLimitFilter() {
        this(System::getenv);
    }

    /** Configured by code; an init-param given to it fails {@code init()}. */
    public RequestSizeLimitFilter(Config config) {
        this.env = System::getenv;
        this.preset = java.util.Objects.requireNonNull(config, "config");
        this.config = config;
    }

    RequestSizeLimitFilter(Function<String, String> env) {
        this.env = env;
        this.preset = null;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        // Not whether a configuration is set: a restarted context (Jetty keeps its registrations)
        // initialises the same instance again, and one read from init-params reads them again.
        Config effective = preset;
        try {
            if (effective == null) {
                effective = Config.fromSettings(Settings.from(filterConfig, INIT_PARAMS, env));
            } else {
                Settings.requireNoInitParams(filterConfig);
            }
        } catch (InvalidSettingException e) {
            LOG.error("{}", e.getMessage());
            throw new ServletException(filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
        abort.learn(filterConfig.getServletContext());
        learnContainer(effective, filterConfig.getServletContext());
        PathSettingChecks.warnContextPath(LOG, filterConfig.getFilterName(),
                filterConfig.getServletContext().getContextPath(), PATH_LIMITS, effective.pathLimits().patterns().keySet());
        config = effective;
        LOG.info("{}: maxBytes={}, pathLimits=[{}]", LogSafe.escape(filterConfig.getFilterName()),
                effective.maxBytes(), effective.pathLimits());
    }

    /**
     * What depends on the container: its form rules, temporary directory and failure handling.
     * Learnt in init(), or from the first request of a filter a framework runs without init()
     * (two first requests at once learn the same).
     */
    private void learnContainer(Config effective, ServletContext context) {
        bodyOptions = bodyOptions(effective, context);
        onTomcat = Containers.isTomcat(context);
        inflationPossible = !onTomcat;
        containerKnown = true;
    }

    private static SizeLimitedRequest.BodyOptions bodyOptions(Config config, ServletContext context) {
        // Jetty 12 decodes a form without a charset as UTF-8; Tomcat and Undertow, as the
        // specification says, as ISO-8859-1. Jetty reads a PUT's form as parameters too, Undertow
        // any method's; Tomcat a POST's alone, and without a length only a chunked one (before
        // 11.0.18 and 10.1.52: over HTTP/2 too since).
        boolean jetty = Containers.isJetty(context);
        boolean undertow = Containers.isUndertow(context);
        boolean onlyChunked = !jetty && !undertow && !Containers.tomcatReadsFormsWithoutLengthOverHttp2(context);
        Charset formCharset = jetty ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        SizeLimitedRequest.FormMethods formMethods = jetty ? SizeLimitedRequest.FormMethods.POST_AND_PUT
                : undertow ? SizeLimitedRequest.FormMethods.ANY : SizeLimitedRequest.FormMethods.POST;
        // Payara and Liberty decode a query string in the request's character encoding, else as
        // ISO-8859-1; Payara drops a pair with a broken escape (in a form body too), Liberty keeps
        // one cut short, where the others refuse the request: the chunked form must read the same.
        // Liberty reads a form with a length cut short by the client as no parameters at all, so
        // there the filter parses that one too (the application would take an empty form for the
        // client's).
        boolean glassFish = Containers.isGlassFish(context);
        boolean liberty = Containers.isLiberty(context);
        Charset queryCharset = glassFish || liberty ? null : StandardCharsets.UTF_8;
        FormUrlEncoded.BrokenEscapes brokenEscapes = glassFish ? FormUrlEncoded.BrokenEscapes.PAIR_DROPPED
                : liberty ? FormUrlEncoded.BrokenEscapes.SHORT_KEPT : FormUrlEncoded.BrokenEscapes.REFUSED;
        return new SizeLimitedRequest.BodyOptions(config.maxParameters(), config.multipartThresholdBytes(),
                config.maxFormBytes(), defaultTempDir(context), formCharset, formMethods, onlyChunked, queryCharset,
                brokenEscapes, liberty);
    }

    private static Path defaultTempDir(ServletContext context) {
        Object dir = context == null ? null : context.getAttribute(ServletContext.TEMPDIR);
        if (dir instanceof File file) {
            return file.toPath();
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The configuration in force (after {@link #init} for the init-param constructor). */
    public Config config() {
        return config;
    }

    /** Requests answered 413 or 400 by this filter since start, for metrics. */
    public long rejectedCount() {
        return tooLarge.total() + badRequests.total();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(req)) {
            return;
        }
        Config known = config;
        if (known == null) {
            throw new ServletException("RequestSizeLimitFilter used before init()");
        }
        tooLarge.flushIfDue();
        badRequests.flushIfDue();
        if (!containerKnown) {
            learnContainer(known, req.getServletContext());
        }
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            continueDispatch(request, response, chain);
            return;
        }
        Config current = config;
        long declared = ContentLengthHeader.parse(request.getHeaders("Content-Length"));
        if (declared == ContentLengthHeader.INVALID) {
            badRequests.record();
            ProblemResponse.of(400).sendClosingConnection(request, response, abort.of(request));
            return;
        }
        if (declared == ContentLengthHeader.ABSENT && !mayHaveBody(request)) {
            chain.doFilter(request, response);
            return;
        }
        long limit = limitFor(current, request);
        if (declared > limit) {
            tooLarge.record();
            ProblemResponse.of(413).sendClosingConnection(request, response, abort.of(request));
            return;
        }
        SizeLimitedRequest wrapped = new SizeLimitedRequest(request, limit, declared != ContentLengthHeader.ABSENT,
                bodyOptions, r -> overflowed(r, response));
        // For a later dispatch of this request (AsyncContext.dispatch()), which may carry the
        // container's own request: the body must go on being counted against the same limit.
        request.setAttribute(WRAPPED_ATTRIBUTE, wrapped);
        try {
            filterBody(wrapped, wrapped, response, chain);
        } finally {
            releaseWhenDone(wrapped);
        }
    }

    /**
     * A later dispatch of a request this filter saw (an ASYNC one after {@code AsyncContext.dispatch()}).
     * After {@code startAsync(request, response)} it carries the wrapper made before, and reads go on
     * being counted there; a read past the limit is answered as on the first dispatch. After a
     * no-argument {@code startAsync()} it carries the container's own request (in the container's
     * dispatch wrapper, which must stay outermost), so that is wrapped again, sharing the first
     * wrapper's body: its count, reader, parameters and parts.
     */
    private void continueDispatch(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request.getAttribute(WRAPPED_ATTRIBUTE) instanceof SizeLimitedRequest earlier)) {
            chain.doFilter(request, response);
            return;
        }
        if (wraps(request, earlier)) {
            filterBody(earlier, request, response, chain);
            return;
        }
        SizeLimitedRequest wrapped = earlier.continuedBy(request, r -> overflowed(r, response));
        request.setAttribute(WRAPPED_ATTRIBUTE, wrapped);
        try {
            filterBody(wrapped, wrapped, response, chain);
        } finally {
            releaseWhenDone(wrapped);
        }
    }

    private static boolean wraps(ServletRequest outer, ServletRequest inner) {
        for (ServletRequest r = outer; ; r = ((ServletRequestWrapper) r).getRequest()) {
            if (r == inner) {
                return true;
            }
            if (!(r instanceof ServletRequestWrapper)) {
                return false;
            }
        }
    }

    /** Runs the chain with {@code handedOn} (which reads through {@code wrapped}) and answers an overflow. */
    private void filterBody(SizeLimitedRequest wrapped, HttpServletRequest handedOn, HttpServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        try {
            chain.doFilter(handedOn, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!answerAfterChain(wrapped, response, e)) {
                throw e;
            }
            return;
        }
        answerAfterChain(wrapped, response, null);
    }

    /**
     * The synchronous answer, once the chain has returned or thrown.
     *
     * @return whether the failure (if any) has been answered and must not propagate
     */
    private boolean answerAfterChain(SizeLimitedRequest wrapped, HttpServletResponse response, Exception failure)
            throws IOException {
        if (wrapped.answered()) {
            return true;
        }
        if (wrapped.isAsyncStarted()) {
            // Asynchronous reads are answered where they overflow (see overflowed).
            return false;
        }
        if (wrapped.exceeded()) {
            if (answerTooLarge(wrapped, response)) {
                abort.of(wrapped).afterAnswerLeavingBodyUnread(wrapped, response);
                return true;
            }
            // The application had committed its response: breaking the connection is the only
            // signal left, and both containers abort a connection when a committed request fails.
            IOException abortion = abort.of(wrapped).forCommittedResponse(wrapped, response,
                    failure instanceof RequestTooLargeException tooLargeFailure
                    ? tooLargeFailure : new RequestTooLargeException(wrapped.limit()));
            if (abortion != null) {
                throw abortion;
            }
            return true;
        }
        int cutOff = failure == null || !wrapped.isOwnParseFailure(failure) ? 0
                : ClientFaults.causedBy(failure, ClientFaults.CLIENT_GONE) ? 400 : ClientFaults.status(failure);
        if (cutOff != 0 && response.isCommitted() && !onTomcat) {
            // Jetty, committed: the failure goes on, so the connection breaks and the client can
            // tell the response is incomplete (swallowed, Jetty ended the chunked body cleanly).
            // Tomcat breaks the connection after a failed read itself, and reports the response
            // committed then whatever the application did.
            return false;
        }
        if (cutOff != 0) {
            // The client ended or broke its body while this filter was parsing it: no server error
            // (Tomcat logged an ERROR with a stack for the UncheckedIOException getParameter must
            // throw). A client that only half-closed still reads: on Jetty it gets the 400 a cut-off
            // body earns, committed at once; Tomcat, once a read has failed, writes its own page
            // whatever is written here.
            LOG.debug("The client ended its body early while it was being read for parameters or parts", failure);
            if (!response.isCommitted() && wrapped.claimAnswer()) {
                recordOnce(wrapped, badRequests);
                try {
                    if (ProblemResponse.of(cutOff).closingConnection(wrapped).send(wrapped, response)) {
                        response.flushBuffer();
                    }
                } catch (IOException | RuntimeException gone) {
                    LOG.debug("The client is gone: no answer could be written", gone);
                }
            }
            return true;
        }
        int partsRefusal = wrapped.partsRefusalStatus(failure);
        if (failure != null && (partsRefusal != 0 || wrapped.malformed() || wrapped.unsupportedCharset())
                && wrapped.claimAnswer()) {
            recordOnce(wrapped, badRequests);
            int status = partsRefusal != 0 ? partsRefusal : wrapped.unsupportedCharset() ? 415 : 400;
            return ProblemResponse.of(status).sendClosingConnection(wrapped, response, abort.of(wrapped));
        }
        return false;
    }

    /**
     * Called on the reading thread when a body first passes its limit. Synchronous requests are
     * answered after the chain returns; an asynchronous one has no such moment (an exception
     * leaving {@code onDataAvailable} reaches the application's {@code onError}, usually a 500), so
     * it is answered and completed here; on Quarkus's event loop, where {@code onDataAvailable} runs
     * and a blocking write fails, from the cycle's {@code AsyncContext.start} (Quarkus's worker pool).
     */
    private void overflowed(SizeLimitedRequest wrapped, HttpServletResponse response) {
        if (!wrapped.isAsyncStarted()) {
            return;
        }
        if (abort.of(wrapped).answersOffEventLoop(wrapped)
                && wrapped.getAsyncContext() instanceof CountedAsyncContext counted && wrapped.claimAnswer()) {
            // Claimed here, the completion held: an application that completes the cycle in its
            // ReadListener as the read fails would otherwise end it with an empty 200 first.
            counted.holdCompletionForFilter();
            try {
                counted.start(() -> answerHeldAsync(wrapped, counted, response));
                return;
            } catch (IllegalStateException | RejectedExecutionException e) {
                // The cycle is over, or the pool refuses work: the answer's blocking write fails here too.
                LOG.debug("Could not answer the asynchronous request off the event loop", e);
                answerHeldAsync(wrapped, counted, response);
                return;
            }
        }
        answerAsync(wrapped, response);
    }

    /** Writes the 413 claimed for a cycle whose completion the filter holds, and completes the cycle. */
    private void answerHeldAsync(SizeLimitedRequest wrapped, CountedAsyncContext counted, HttpServletResponse response) {
        try {
            writeTooLarge(wrapped, response);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not write the 413 answer to an asynchronous request", e);
        }
        try {
            counted.completeForFilter();
        } catch (IllegalStateException e) {
            LOG.debug("Asynchronous request already completed", e);
        }
    }

    /** Answers an asynchronous request over its limit, and completes its cycle. */
    private void answerAsync(SizeLimitedRequest wrapped, HttpServletResponse response) {
        try {
            answerTooLarge(wrapped, response);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not write the 413 answer to an asynchronous request", e);
        }
        try {
            wrapped.getAsyncContext().complete();
        } catch (IllegalStateException e) {
            LOG.debug("Asynchronous request already completed", e);
        }
    }

    /**
     * Counts a rejection once per request: a later dispatch's wrapper (an error page's, mapped for
     * ERROR) may answer the same body again, after Jetty reset the response.
     */
    private static void recordOnce(SizeLimitedRequest wrapped, RejectionLog log) {
        if (wrapped.firstRejection()) {
            log.record();
        }
    }

    /** Writes the 413 once per request; {@code false} when the response was already committed. */
    private boolean answerTooLarge(SizeLimitedRequest wrapped, HttpServletResponse response) throws IOException {
        if (!wrapped.claimAnswer()) {
            return true;
        }
        return writeTooLarge(wrapped, response);
    }

    /** Writes the 413 claimed already; {@code false} when the response was already committed. */
    private boolean writeTooLarge(SizeLimitedRequest wrapped, HttpServletResponse response) throws IOException {
        recordOnce(wrapped, tooLarge);
        abort.of(wrapped).beforeAnswerLeavingBodyUnread(wrapped, response);
        return ProblemResponse.of(413).closingConnection(wrapped).send(wrapped, response);
    }

    private static void releaseWhenDone(SizeLimitedRequest wrapped) {
        if (!wrapped.isAsyncStarted()) {
            wrapped.release();
            return;
        }
        try {
            wrapped.getAsyncContext().addListener(new ReleaseOnEnd(wrapped));
        } catch (IllegalStateException e) {
            LOG.debug("Asynchronous request ended before its parts could be tracked", e);
            wrapped.release();
        }
    }

    /**
     * Whether a request that declares no length may still have a body. On the wire, HTTP/1.x frames
     * a body only by Content-Length or Transfer-Encoding, and HTTP/2 may omit both. But a layer in
     * front of the filter that decompresses request bodies removes the framing fields and streams
     * the inflated body: Jetty's {@code GzipHandler} with request inflation renames Content-Length
     * and Content-Encoding to {@code X-Content-Length} and {@code X-Content-Encoding}. Taken as
     * bodyless, such a request would be a decompression bomb that no limit counts. So only a
     * bodyless-by-convention method (the common GET) without that field skips the counting (on
     * Tomcat, which inflates nothing, without looking for it); any other method is counted whether
     * or not a body comes (no body costs only the wrapper).
     */
    private boolean mayHaveBody(HttpServletRequest request) {
        String protocol = request.getProtocol();
        if (request.getHeader("Transfer-Encoding") != null || protocol == null || !protocol.startsWith("HTTP/1.")) {
            return true;
        }
        return !BODYLESS_BY_CONVENTION.contains(request.getMethod())
                || (inflationPossible && request.getHeader("X-Content-Encoding") != null);
    }

    static void logCleanupFailure(IOException e) {
        LOG.warn("Could not delete a temporary multipart file: {}", LogSafe.escape(String.valueOf(e.getMessage())));
    }

    @Override
    public void destroy() {
        // Nothing to release: the filter holds no threads or files between requests.
        tooLarge.flush();
        badRequests.flush();
        LOG.debug("destroyed");
    }

    /**
     * Deletes temporary part files when an asynchronous request ends. Not marked as one of the kit's
     * own listeners ({@link KitAsyncListener}): where the error boundary breaks a cycle's connection
     * on Jetty, which then tells no listener, it is told of the end as the application's are, and
     * the files go then.
     */
    private static final class ReleaseOnEnd implements AsyncListener {
        private final SizeLimitedRequest request;

        ReleaseOnEnd(SizeLimitedRequest request) {
            this.request = request;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            request.release();
        }

        /**
         * Not yet, unless committed: a timeout or an error is often answered by a dispatch, whose run
         * reads the same parts, and the cycle then completes. Committed, the connection may be
         * aborted instead, and Jetty then never completes the cycle.
         */
        @Override
        public void onTimeout(AsyncEvent event) {
            releaseIfCommitted(event);
        }

        @Override
        public void onError(AsyncEvent event) {
            releaseIfCommitted(event);
        }

        private void releaseIfCommitted(AsyncEvent event) {
            ServletResponse response = event.getSuppliedResponse();
            if (response == null) {
                try {
                    response = event.getAsyncContext().getResponse();
                } catch (IllegalStateException dispatched) {
                    // Tomcat refuses it after dispatch(): the next run answers, and onComplete releases.
                    LOG.debug("No response to look at after a dispatch", dispatched);
                    return;
                }
            }
            if (response.isCommitted()) {
                request.release();
            }
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    /**
     * The limit for the request's path. The container's mapped path decides; an override stricter
     * than that which the raw URI matches, taken as it came, applies as well: a router
     * that matches segments as they came dispatches {@code /api/avatar/../uploads/x} to the avatar
     * route, whose smaller limit must hold. So does one that the raw URI matches resolved: Jetty
     * 12.0 maps {@code /x;p=1/../avatar/a} as {@code /x/../avatar/a} (12.1 and Tomcat resolve it),
     * which matched no override, while a servlet at {@code /} routes it as {@code /avatar/a}. A
     * looser override applies only through the mapped path, the one every container routes on.
     */
    static long limitFor(Config config, HttpServletRequest request) {
        long limit = config.limitFor(RequestPaths.mapped(request));
        if (config.pathLimits().isEmpty()) {
            return limit;
        }
        // Null for a plain URI (one scan, no allocation).
        String literal = RequestPaths.literal(request);
        if (literal == null) {
            return limit;
        }
        // Runs of '/' collapsed, as the environment gate compares ("/app//avatar/../upload/x").
        limit = Math.min(limit, config.pathLimits().limitFor(RequestPaths.comparable(literal)).orElse(limit));
        String resolved = RequestPaths.normalizedRaw(request);
        return resolved == null ? limit : Math.min(limit, config.pathLimits().limitFor(resolved).orElse(limit));
    }

    /**
     * The filter's settings.
     *
     * @param maxBytes the body limit, in bytes, where no path override applies
     * @param pathLimits per-path overrides
     * @param maxParameters the most form parameters (query included) or multipart parts parsed
     * @param multipartThresholdBytes parts up to this size stay in memory; larger ones go to disk
     * @param maxFormBytes the most of a body without a length that the filter decodes into memory as
     *     parameters (a form, or a multipart body's text fields); more is answered 413. Containers cap
     *     the forms they decode (Tomcat's {@code maxPostSize}, Jetty's {@code maxFormContentSize});
     *     without this, a path with a large limit would decode a form of that size.
     */
    public record Config(long maxBytes, PathLimits pathLimits, int maxParameters, long multipartThresholdBytes,
            long maxFormBytes) {
        public Config {
            if (maxBytes < 0) {
                throw InvalidSettingException.badValue(MAX_BYTES, Long.toString(maxBytes), "a whole number >= 0");
            }
            if (pathLimits == null) {
                throw InvalidSettingException.badValue(PATH_LIMITS, "null", "a PathLimits value");
            }
            if (maxParameters < 1) {
                throw InvalidSettingException.badValue(MAX_PARAMETERS, Integer.toString(maxParameters),
                        "a whole number >= 1");
            }
            if (multipartThresholdBytes < 0) {
                throw InvalidSettingException.badValue(MULTIPART_THRESHOLD, Long.toString(multipartThresholdBytes),
                        "a whole number >= 0");
            }
            if (maxFormBytes < 0) {
                throw InvalidSettingException.badValue(MAX_FORM_BYTES, Long.toString(maxFormBytes), "a whole number >= 0");
            }
        }

        /** The limit for {@code path} (the path within the context). */
        public long limitFor(String path) {
            return pathLimits.limitFor(path).orElse(maxBytes);
        }

        /** A builder with the defaults (not the environment). */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings, to change some of them. */
        public Builder toBuilder() {
            Builder builder = new Builder().maxBytes(maxBytes).maxParameters(maxParameters)
                    .multipartThresholdBytes(multipartThresholdBytes).maxFormBytes(maxFormBytes);
            builder.pathLimits.putAll(pathLimits.patterns());
            return builder;
        }

        static Config fromSettings(Settings s) {
            long maxBytes = s.nonNegativeLong(MAX_BYTES, ENV_LIMIT_KB, 1024, DEFAULT_MAX_BYTES);
            PathLimits paths = s.raw(PATH_LIMITS, null)
                    .map(src -> src.value().isBlank() ? PathLimits.none() : PathLimits.parse(src.key(), src.value()))
                    .orElse(PathLimits.none());
            long maxParameters = s.nonNegativeLong(MAX_PARAMETERS, null, DEFAULT_MAX_PARAMETERS);
            if (maxParameters < 1 || maxParameters > Integer.MAX_VALUE) {
                throw InvalidSettingException.badValue(MAX_PARAMETERS, Long.toString(maxParameters),
                        "a whole number from 1 to " + Integer.MAX_VALUE);
            }
            long threshold = s.nonNegativeLong(MULTIPART_THRESHOLD, null, DEFAULT_MULTIPART_THRESHOLD_BYTES);
            long maxFormBytes = s.nonNegativeLong(MAX_FORM_BYTES, null, DEFAULT_MAX_FORM_BYTES);
            return new Config(maxBytes, paths, (int) maxParameters, threshold, maxFormBytes);
        }
    }

    /** Builds a {@link Config}; unset values take the defaults (not the environment). */
    public static final class Builder {
        private long maxBytes = DEFAULT_MAX_BYTES;
        private final Map<String, Long> pathLimits = new LinkedHashMap<>();
        private int maxParameters = DEFAULT_MAX_PARAMETERS;
        private long multipartThresholdBytes = DEFAULT_MULTIPART_THRESHOLD_BYTES;
        private long maxFormBytes = DEFAULT_MAX_FORM_BYTES;

        private Builder() {
        }

        /** The body limit in bytes for paths without a {@link #pathLimit} of their own; 1 MiB by default. */
        public Builder maxBytes(long bytes) {
            this.maxBytes = bytes;
            return this;
        }

        /** A limit for an exact path ({@code /api/uploads}) or a prefix ({@code /api/uploads/*}). */
        public Builder pathLimit(String pattern, long bytes) {
            if (bytes < 0) {
                throw InvalidSettingException.badValue(PATH_LIMITS, pattern + "=" + bytes, "a whole number of bytes >= 0");
            }
            PathLimits.add(pathLimits, PATH_LIMITS, pattern, bytes);
            return this;
        }

        /** The most form parameters (query included) or multipart parts parsed; 1,000 by default. */
        public Builder maxParameters(int max) {
            this.maxParameters = max;
            return this;
        }

        /** Parts up to this size (bytes) stay in memory, larger ones go to a file; 16 KiB by default. */
        public Builder multipartThresholdBytes(long bytes) {
            this.multipartThresholdBytes = bytes;
            return this;
        }

        /** The most of a form (or of multipart text fields) without a length decoded into memory. */
        public Builder maxFormBytes(long bytes) {
            this.maxFormBytes = bytes;
            return this;
        }

        /** @throws InvalidSettingException naming the first setting that cannot be used, and its value */
        public Config build() {
            return new Config(maxBytes, PathLimits.of(pathLimits), maxParameters, multipartThresholdBytes,
                    maxFormBytes);
        }
    }
}
