package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The error boundary of the chain: whatever fails below it, the client gets an RFC 9457 problem
 * body with a fixed, generic detail and the request id — never exception text, class names or
 * stack frames — and the server log gets one ERROR line with the id, method, path and stack.
 *
 * <ul>
 *   <li>Every response carries {@code X-Request-Id} (2xx too), resolved by {@link RequestIds}.</li>
 *   <li>Any {@link Throwable} becomes a 500 problem, {@link Error}s included. Even an
 *       {@code OutOfMemoryError} is answered (best effort) rather than rethrown: the JVM's own
 *       policy ({@code -XX:+ExitOnOutOfMemoryError}) acts where it is thrown, before any catch,
 *       and a rethrow gains nothing but Jetty's HTML page quoting the error's message or, on
 *       Tomcat, a connection closed without an answer. If the answer itself fails, that failure
 *       goes to the container.</li>
 *   <li>{@code sendError(sc[, msg])} from the application or the container's own servlets (default
 *       404, {@code HttpServlet}'s 405) becomes the problem for {@code sc}; {@code msg} is dropped.
 *       The container never sees the call, so no container error page or ERROR dispatch happens.</li>
 *   <li>A bare {@code setStatus(>=400)} with no body gets the problem body; an application's own
 *       error body is left alone.</li>
 *   <li>An exception after the response was committed cannot be answered: it is logged and the
 *       connection is aborted (the client sees a truncated response, never a clean end), and no
 *       container error page is appended (see {@link ConnectionAbort}). The same holds for an
 *       asynchronous timeout or error after commit; there Tomcat would include the application's
 *       error page, which the filter refuses on the {@code INCLUDE} dispatch (see
 *       {@link ErrorPageGuard}).</li>
 *   <li>For a 500 caused by an exception, headers set earlier are kept (security headers, CORS,
 *       {@code Retry-After}), except those describing the abandoned result: {@code Set-Cookie},
 *       {@code Location} and those {@link ProblemResponse} drops ({@code Content-Disposition}, …).</li>
 * </ul>
 *
 * <p><b>Ordering:</b> map it first, to {@code /*}, for the {@code REQUEST} and {@code ASYNC}
 * dispatches, so failures in every later filter, and in a servlet's second run after
 * {@code AsyncContext.dispatch()}, are caught; and for {@code INCLUDE} and {@code FORWARD}, where it
 * only keeps an error page out of a response aborted after commit, ignores an included servlet's
 * {@code sendError} and answers a forwarded one's ({@link ErrorPageGuard}); map it for those two by
 * servlet name {@code *} as well, for named dispatchers. It cannot
 * see what the container answers before any filter runs (malformed requests) and, on Tomcat,
 * requests no servlet matches unless a servlet is mapped to {@code /} (Tomcat's
 * {@code DefaultServlet} in a standalone server); {@link #init} warns when nothing is mapped there.
 *
 * <p><b>Async:</b> after {@code startAsync} the asynchronous code owns the response and no problem
 * is written when the chain returns. A later {@code sendError} on the response the servlet was
 * given (this filter's wrapper) is still turned into a problem at once, and an async timeout or
 * error becomes a 500 problem (logged once) instead of the container's page, unless a listener of
 * the application's answered it first with {@code complete()} or {@code dispatch()} (see
 * {@link AsyncTrackingRequest}); a task given to {@code AsyncContext.start} that throws is answered
 * at once instead of at the timeout (after commit, installed by {@link Hardening} on Jetty and
 * Tomcat, its connection is broken at once, in an {@code ASYNC} dispatch). Code that writes through {@code AsyncContext.getResponse()}
 * after a no-argument {@code startAsync()} holds the container's unwrapped response (the
 * specification says so) and bypasses this filter: use
 * {@code startAsync(request, response)} with the objects the servlet received. Register the filter
 * with {@code asyncSupported=true}, or no servlet behind it can start async mode.
 */
public final class SafeErrorFilter implements Filter {
    /** It has no settings; any init-param is a mistake and fails {@code init()}. */
    static final Set<String> INIT_PARAMS = Set.of();

    /**
     * The SLF4J MDC key under which the request id is set while the request runs on the thread
     * that called the filter: a logging pattern's {@code %X{requestId}} adds it to the
     * application's own lines. With Logback, threads the application hands work to do not inherit
     * it (an inheritable MDC, as slf4j-simple's, gives it to threads created during the request).
     */
    public static final String MDC_REQUEST_ID = "requestId";

    private static final Logger LOG = LoggerFactory.getLogger(SafeErrorFilter.class);

    /** Thrown by RequestSizeLimitFilter, sometimes inside a connector exception that ends the connection. */
    /** The size filter's overflow, by class name (see {@link ClientFaults#causedBy}). */
    static final Set<String> BODY_TOO_LARGE = Set.of(RequestTooLargeException.class.getName());
    private static final Set<String> REFUSED_AFTER_COMMIT = Set.of(RefusedAfterCommitException.class.getName());

    private static final ErrorPageGuard ERROR_PAGE_GUARD = new ErrorPageGuard(null);
    /**
     * How long an async timeout waits for a failed task's answer under way on another thread: a
     * small problem body, written in microseconds; past that (a WARN) the timeout's thread completes
     * the cycle without it.
     */
    private static final long CLAIMANT_WAIT_MILLIS = 2_000;

    /**
     * Request attribute that sends a task's failure after commit to the {@code ASYNC} dispatch the
     * task asked for (see {@link #dispatchCommittedTaskFailure}): a {@link CommittedTaskFailure}.
     */
    static final String COMMITTED_TASK_FAILURE = SafeErrorFilter.class.getName() + ".committedTaskFailure";

    /** One instance, not a method reference per request. */
    private final AsyncTrackingRequest.TaskFailures taskFailures = this::answerTaskFailure;
    /** The context from {@code init}: where ERROR lines go without an SLF4J backend (see {@link ErrorLog}). */
    private volatile ServletContext context;

    /** How to break a committed response's connection: the container's, found in {@link #init} or from the first request. */
    private final ConnectionAbort.Known abort = new ConnectionAbort.Known();

    /**
     * Whether this filter runs for every {@code ASYNC} dispatch of the context's requests, before
     * any servlet: {@link Hardening} maps its chain so. Only then may a failed task's cycle be
     * dispatched to end it; mapped by hand (perhaps for {@code REQUEST} only) the dispatch could run
     * the application's servlet again.
     */
    private volatile boolean seesEveryAsyncDispatch;

    public SafeErrorFilter() {
        // Nothing to configure: the behaviour is fixed on purpose.
    }

    /** Called by {@link Hardening}, whose mapping runs the chain for every {@code ASYNC} dispatch, on {@code /*}. */
    void seesEveryAsyncDispatch() {
        seesEveryAsyncDispatch = true;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        try {
            Settings.from(filterConfig, INIT_PARAMS, System::getenv);
        } catch (InvalidSettingException e) {
            LOG.error(e.getMessage());
            throw new ServletException(filterConfig.getFilterName() + ": " + e.getMessage(), e);
        }
        context = filterConfig.getServletContext();
        if (ErrorLog.hasNoBackend()) {
            context.log("Palisade in context \"" + LogSafe.escape(context.getContextPath()) + "\": SLF4J has no "
                    + "logging backend in this application, so the filters' lines (access log, rejections, warnings) "
                    + "are lost; the error boundary's ERROR lines (request id and stack trace of each 500) come to "
                    + "this log instead (on Jetty this log is SLF4J too: lost as well where the application shares "
                    + "Jetty's class path, as when embedded). Add a backend to WEB-INF/lib: slf4j-jdk14 (into the "
                    + "container's log), or logback-classic with its configuration.");
        }
        warnWithoutDefaultServlet(filterConfig.getServletContext());
        noteAnUnknownContainer(context);
        if (Containers.isLiberty(context) && LibertySettings.flushesAfterService(context)) {
            LOG.warn("Liberty flushes each response as soon as its servlet returns (invokeFlushAfterService, on by "
                    + "default): a bare setStatus(>=400) is sent without a problem body. Set <webContainer "
                    + "invokeFlushAfterService=\"false\"/> in server.xml");
        }
        abort.learn(filterConfig.getServletContext());
    }

    /**
     * Names what the boundary cannot do in a container it has no knowledge of: its ways of ending a
     * connection and its exceptions for a client's mistakes are each container's own.
     */
    private static void noteAnUnknownContainer(ServletContext context) {
        if (Containers.isKnown(context)) {
            return;
        }
        LOG.info("{} is not Jetty, Tomcat, Undertow, Payara or Open Liberty: a response that fails after it was "
                + "committed ends as this container decides (perhaps cleanly, so that the client takes it for whole), and its exceptions "
                + "for a client's broken body or departure are answered 500 and logged as errors",
                LogSafe.escape(context.getServerInfo()));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (QuarkusConnection.dropsRequest(req)) {
            return;
        }
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            chain.doFilter(req, res);
            return;
        }
        DispatcherType dispatch = req.getDispatcherType();
        if (dispatch == DispatcherType.INCLUDE || dispatch == DispatcherType.FORWARD) {
            ERROR_PAGE_GUARD.doFilter(req, res, chain);
            return;
        }
        ErrorCapturingResponse enclosing = ErrorCapturingResponse.in(res);
        if (enclosing != null && enclosing.madeByRunningFilter(this)) {
            // A second mapping of this filter on the same dispatch: Jetty applies a servlet-name "*"
            // mapping (the one for named dispatchers' includes and forwards) to every dispatch type.
            // The enclosing run answers; a second boundary would log each failure twice. (Another
            // instance's run is a boundary of its own: the filters between them must get the answer,
            // not the exception.)
            chain.doFilter(req, res);
            return;
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String id = RequestIds.ensure(request, response);
        // The application's own log lines on this thread can name the request (%X{requestId}).
        String enclosingId = MDC.get(MDC_REQUEST_ID);
        MDC.put(MDC_REQUEST_ID, id);
        try {
            bound(request, response, chain, dispatch);
        } finally {
            if (enclosingId == null) {
                MDC.remove(MDC_REQUEST_ID);
            } else {
                MDC.put(MDC_REQUEST_ID, enclosingId);
            }
        }
    }

    /** The boundary's run: the chain below it, then what it threw or its error status answered. */
    private void bound(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            DispatcherType dispatch) throws IOException, ServletException {
        if (dispatch == DispatcherType.ASYNC
                && request.getAttribute(COMMITTED_TASK_FAILURE) instanceof CommittedTaskFailure failed) {
            // Not the application's dispatch but the failed task's (see dispatchCommittedTaskFailure):
            // the application must not run again.
            request.removeAttribute(COMMITTED_TASK_FAILURE);
            abortAfterTaskFailure(request, response, failed);
            return;
        }
        AsyncTrackingRequest tracking = new AsyncTrackingRequest(request, taskFailures);
        ErrorCapturingResponse wrapped = new ErrorCapturingResponse(request, response, this);
        try {
            chain.doFilter(tracking, wrapped);
        } catch (Throwable failure) {
            // Errors included, OutOfMemoryError too: see the class comment.
            wrapped.filterReturned();
            onFailure(request, response, failure, tracking.trackedAsyncContext(),
                    wrapped.forwardCompleted() || wrapped.redirected());
            return;
        }
        wrapped.filterReturned();
        int errorStatus = wrapped.errorStatus();
        if (errorStatus != 0) {
            // A sendError made before startAsync was meant to be sent, async or not (unless a
            // forward returned and answered it).
            if (!wrapped.errorAnswered()) {
                // (Once async started, the application's code may still use the response: no exception.)
                answer(request, response, errorStatus, !request.isAsyncStarted());
            }
        } else if (request.isAsyncStarted()) {
            AsyncTrackingRequest.TrackedAsyncContext async = tracking.trackedAsyncContext();
            if (async == null) {
                // Started past this filter's wrapper (on an unwrapped request): whether the
                // application answers a timeout itself cannot be seen, so assume it does not.
                AsyncContext started;
                try {
                    started = request.getAsyncContext();
                } catch (IllegalStateException upgrading) {
                    // Jetty reports an HttpServletRequest.upgrade() under way as async started, with
                    // no context to get: the upgraded connection is the handler's, nothing to answer.
                    LOG.debug("No async context: the connection is being upgraded", upgrading);
                    return;
                }
                async = new AsyncTrackingRequest.TrackedAsyncContext(started, request);
            }
            async.addListener(new AsyncFailures(async, abort.of(request)));
        } else {
            wrapped.answerBareErrorStatus(true);
        }
    }

    /**
     * Writes the problem for an error status that no exception explains; a 5xx is logged once, but
     * for 501: {@code HttpServlet} answers it to any method it does not know ({@code FOO /x}, or
     * {@code PATCH} on Servlet 6.0), so any client could write ERROR lines at will. A request body
     * the application left unread is read and dropped, or the connection closed, as
     * {@link ProblemResponse#sendAfterApplication} says.
     *
     * @param endsChain whether this is the filter's own run once the chain returned, from which an
     *     exception that ends the connection may leave (see {@link ProblemResponse#sendAfterApplication})
     */
    void answer(HttpServletRequest request, HttpServletResponse response, int status, boolean endsChain)
            throws IOException {
        ConnectionAbort connectionAbort = abort.of(request);
        ErrorLog.Answer send = () -> ProblemResponse.of(status).sendAfterApplication(request, response, connectionAbort,
                endsChain);
        if (status == HttpServletResponse.SC_NOT_IMPLEMENTED) {
            LOG.debug("Request {} answered 501 without an exception: {} {}", RequestIds.of(request),
                    LogSafe.escape(request.getMethod()), Redactor.redact(request.getRequestURI()));
        } else if (status >= 500) {
            ErrorLog.errorThenAnswer(LOG, request, response, connectionAbort, send,
                    "Request {} answered {} without an exception: {} {}", RequestIds.of(request), status,
                    LogSafe.escape(request.getMethod()), Redactor.redact(request.getRequestURI()));
            return;
        }
        send.send();
    }

    private void onFailure(HttpServletRequest request, HttpServletResponse response, Throwable thrown,
            AsyncTrackingRequest.TrackedAsyncContext async, boolean answerComplete) throws IOException {
        // What the servlet threw, not Liberty's wrapper of it: the checks below, and the log, are about it.
        Throwable failure = LibertyFaults.unwrapped(thrown);
        String id = RequestIds.of(request);
        String method = LogSafe.escape(request.getMethod());
        String path = Redactor.redact(request.getRequestURI());
        if (failure instanceof IOException io && ClientFaults.causedBy(io, REFUSED_AFTER_COMMIT)) {
            // A filter's refusal of an async dispatch made after the application committed the
            // response: counted there, the connection to be broken (the exception does it).
            LOG.debug("Request {} was refused after its response was committed: {} {}", id, method, path);
            tellListenersJettyWillNot(request, async, io, id);
            throw io;
        }
        if (failure instanceof IOException io && ClientFaults.causedBy(io, BODY_TOO_LARGE)) {
            // The client's doing, answered or counted by RequestSizeLimitFilter (which also chose how
            // the connection ends).
            LOG.debug("Request {} sent a body over the size limit: {} {}", id, method, path);
            if (response.isCommitted()) {
                IOException out = io;
                if (io instanceof RequestTooLargeException raw) {
                    // As it came from the body stream, not through the size filter's own abort (mapped
                    // for REQUEST only, or an application's second instance): aborted as that would.
                    out = abort.of(request).forCommittedResponse(request, response, raw);
                    if (out == null) {
                        completeIfAsync(request);
                        return;
                    }
                }
                tellListenersJettyWillNot(request, async, io, id);
                throw out;
            }
            if (request.isAsyncStarted()) {
                throw io;
            }
            // Unanswered: RequestSizeLimitFilter did not see this dispatch (mapped for REQUEST only,
            // and the body read after AsyncContext.dispatch()). Answered as it would have.
            ProblemResponse.of(413).sendClosingConnection(request, response, abort.of(request));
            return;
        }
        if (isClientGone(failure, request, abort.of(request)) && !isBackendsEofBeforeCommit(failure, request, response)) {
            // The container knows its own exception and stays quiet about it; an ERROR per
            // disconnect would let any client fill the log.
            LOG.debug("Request {} ended by the client: {} {}", id, method, path);
            // The connector's exception itself, out of any wrapper: the container is quiet about it.
            IOException gone = ClientFaults.containersClientGone(failure, request.getServletContext());
            if (gone == null) {
                if (response.isCommitted()) {
                    // Jetty aborts the connection for it and tells the cycle's listeners nothing, or
                    // only onError; uncommitted, Jetty answers it and tells them onComplete itself.
                    tellListenersJettyWillNot(request, async, failure, id);
                }
                throw rethrowable(failure);
            }
            IOException quiet = abort.of(request).quietly(gone);
            if (quiet != null) {
                throw quiet;
            }
            // Liberty: nothing leaves the chain to end an async cycle started before the failure.
            completeIfAsync(request);
            return;
        }
        int clientFault = ClientFaults.status(failure);
        if (clientFault != 0 && !response.isCommitted()) {
            // A malformed query string or form the container refused when the application asked for
            // it: the client's doing. The exception's message is not logged (Tomcat's quotes the value).
            LOG.debug("Request {} is malformed ({}): {} {}", id, clientFault, method, path);
            // A body that stalled has no end to read up to: the connection goes with the answer.
            try {
                sendUnlessClientGone(request, response, clientFault == HttpServletResponse.SC_REQUEST_TIMEOUT
                        ? ProblemResponse.of(clientFault).closingConnection(request) : ProblemResponse.of(clientFault));
            } catch (IOException | RuntimeException unsent) {
                // The answer's write failed on Jetty (a client gone; its EofException leaves as it
                // is): Jetty aborts the response and tells a cycle started here only onError.
                if (response.isCommitted()) {
                    tellListenersJettyWillNot(request, async, unsent, id);
                }
                if (unsent instanceof RuntimeException && Containers.isJetty(request.getServletContext())) {
                    // Jetty's IllegalStateException "Committed" for a client that reset its connection
                    // after Jetty's 100 Continue: thrown on, a WARN line of Jetty's per request, which
                    // any client could repeat; the kit's quiet abort ends the exchange instead.
                    LOG.debug("Request {}: its answer ({}) could not be written", id, clientFault, unsent);
                    throw abort.of(request).forCommittedResponse(request, response,
                            ResponseAbortedException.malformedBody(id));
                }
                throw unsent;
            }
            completeIfAsync(request);
            return;
        }
        if (response.isCommitted()) {
            if (clientFault != 0) {
                // The container answered the client's mistake itself (Tomcat, a broken chunk): no alarm.
                LOG.debug("Request {} is malformed ({}) after its response was committed: {} {}", id, clientFault,
                        method, path);
                if (Containers.isJetty(request.getServletContext())) {
                    // Jetty aborts the connection for what leaves the chain, quiet about its own
                    // early EOF; not about its idle timeout nor the size filter's refusals of a
                    // body (a WARN line per request, which any client could cause), which leave as
                    // the kit's quiet abort instead.
                    IOException abortion = clientFault == HttpServletResponse.SC_REQUEST_TIMEOUT
                            ? abort.of(request).forCommittedResponse(request, response,
                                    ResponseAbortedException.clientStalled(id))
                            : ClientFaults.isSizeFiltersRefusal(failure)
                            ? abort.of(request).forCommittedResponse(request, response,
                                    ResponseAbortedException.malformedBody(id))
                            : null;
                    tellListenersJettyWillNot(request, async, failure, id);
                    if (abortion != null) {
                        throw abortion;
                    }
                    throw rethrowable(failure);
                }
                if (response.getStatus() == clientFault) {
                    // Tomcat's own answer, held back (not yet sent) until this thread returns. Its
                    // error page shows the exception it noted for it (its parser's, with every
                    // frame of the chain and the application) and would show one thrown now (the
                    // abort's): neither, so the page says only the status and Tomcat's message.
                    // Tomcat closes the connection after it.
                    forgetTomcatsClientFault(request, clientFault);
                    return;
                }
            } else if (forgetTomcatsClientFault(request, response.getStatus())) {
                // The application failed in its own way (an exception without the read's as its
                // cause) after Tomcat had answered the client's broken body itself: Tomcat's page
                // must show no exception, and the failure may be the application's own (a backend
                // down), so it is logged, if not as an ERROR: a client's broken body led to it.
                LOG.warn("Request {} failed after Tomcat answered its malformed body ({}): {} {}", id,
                        response.getStatus(), method, path, RedactedThrowable.loggable(failure));
                return;
            } else if (answerComplete) {
                // A forward wrote the whole response, or sendRedirect made it, and the application
                // failed afterwards: nothing is cut short, so the response ends as it was left
                // (aborted, Tomcat, which had only held the response back, sent a 400 page instead,
                // with the abort's stack in it).
                ErrorLog.error(LOG, request.getServletContext(),
                        "Request {} failed after a forward or redirect had completed its response: {} {}", id, method,
                        path, RedactedThrowable.loggable(failure));
                return;
            }
            // Stackless and generic, and on Tomcat in the form it neither logs again nor follows with an
            // error page: the container aborts the connection instead of ending the response cleanly.
            ResponseAbortedException aborted = new ResponseAbortedException(id);
            if (clientFault == 0) {
                ErrorLog.errorBefore(aborted, LOG, request.getServletContext(),
                        "Request {} failed after its response was committed; aborting the connection: {} {}",
                        id, method, path, RedactedThrowable.loggable(failure));
            }
            IOException abortion = abort.of(request).forCommittedResponse(request, response, aborted);
            if (abortion != null) {
                tellListenersJettyWillNot(request, async, failure, id);
                throw abortion;
            }
            // Liberty: nothing leaves the chain to end an async cycle started before the failure.
            completeIfAsync(request);
            return;
        }
        if (async != null && async.dispatched() && request.isAsyncStarted()) {
            // The application dispatched its async cycle before it threw: another run of the
            // request is to answer, and writing here would race it. (After complete() nothing else
            // answers, and the container acts on it only once this thread returns: the 500 below.)
            ErrorLog.error(LOG, request.getServletContext(), "Request {} failed after dispatching its async cycle: {} {}",
                    id, method, path,
                    RedactedThrowable.loggable(failure));
            return;
        }
        ErrorLog.errorThenAnswer(LOG, request, response, abort.of(request), () -> {
            answerAbandoned(request, response);
            completeIfAsync(request);
        }, "Request {} failed and was answered 500: {} {}", id, method, path, RedactedThrowable.loggable(failure));
    }

    /**
     * Sends the answer to a client's mistake, unless the client has gone: Payara closes the
     * connection as soon as it reads the end of a body cut short, so a client that only half-closed
     * gets nothing, and the failed write is the container's word for a client gone (quiet), not a
     * failure of the server's.
     */
    private void sendUnlessClientGone(HttpServletRequest request, HttpServletResponse response, ProblemResponse answer)
            throws IOException {
        try {
            answer.send(request, response);
        } catch (IOException unsent) {
            IOException gone = ClientFaults.containersClientGone(unsent, request.getServletContext());
            if (gone == null) {
                throw unsent;
            }
            LOG.debug("Request {} ended by the client before its answer ({}) was written", RequestIds.of(request),
                    answer.status());
            IOException quiet = abort.of(request).quietly(gone);
            if (quiet != null) {
                throw quiet;
            }
            return;
        }
    }

    /**
     * Ends the async cycle a request started before it failed on its own thread (say, the executor
     * refused its task), as Tomcat does with its error page: Jetty would otherwise hold the
     * connection until the async timeout and then send its own page.
     */
    private static void completeIfAsync(HttpServletRequest request) {
        if (request.isAsyncStarted()) {
            try {
                request.getAsyncContext().complete();
            } catch (IllegalStateException e) {
                LOG.debug("Async cycle already ended", e);
            }
        }
    }

    /**
     * Whether {@code failure} is the connector's word that the client went away, as thrown or inside
     * an I/O or servlet wrapper (an {@code UncheckedIOException} from a lambda, a framework's
     * IOException or ServletException). Not
     * deeper in other exceptions: Jetty's HttpClient throws the same {@code EofException} when a
     * backend closes, and that failure is the server's, to be answered 500 and logged. Except, on
     * Tomcat, a failed read of this request's own body, in any wrapper: an application turning it
     * into its own {@code IllegalStateException} made every client that left mid-body an ERROR with
     * a stack (a review: 300 departures, 1.6 MB of log).
     */
    private static boolean isClientGone(Throwable failure, HttpServletRequest request, ConnectionAbort abort) {
        ServletContext context = request.getServletContext();
        boolean gone = failure instanceof IOException || failure instanceof UncheckedIOException
                || failure instanceof ServletException
                ? ClientFaults.clientGone(failure, context)
                : Containers.isTomcat(context) && isTomcatsFailedRead(failure, request);
        return gone && !abort.connectionKnownOpen(request);
    }

    /**
     * Whether {@code failure}, taken on Jetty for the client's departure by its {@code EofException},
     * came before anything was written: then it is a backend's, thrown by Jetty's HttpClient, and the
     * server's failure. Jetty raises its own for a client that left when a write of the response
     * fails (which has committed it) or in its HTTP/2 code (a reset stream, a session gone); a body
     * cut short is its {@code HttpEofException}, a client fault. Rethrown, it had Jetty answer a
     * client still there with Jetty's own page, quoting the exception's class and message (an async
     * cycle: no answer at all until the timeout).
     */
    private static boolean isBackendsEofBeforeCommit(Throwable failure, HttpServletRequest request,
            HttpServletResponse response) {
        return Containers.isJetty(request.getServletContext()) && !response.isCommitted()
                && !ClientFaults.jettyHttp2PeerGone(failure);
    }

    /**
     * Whether {@code failure} holds Tomcat's {@code ClientAbortException} for a failed read of this
     * request's body: Tomcat wraps the read's exception in it and notes the same exception on the
     * request ({@code RequestDispatcher.ERROR_EXCEPTION}). One from another request's stream (a
     * servlet writing to other clients) or from elsewhere is not this client's departure, nor is a
     * read that timed out: that client may still be there, and is answered as before (Tomcat's
     * connection timeout on a stalled body).
     */
    private static boolean isTomcatsFailedRead(Throwable failure, HttpServletRequest request) {
        IOException gone = ClientFaults.containersClientGone(failure, request.getServletContext());
        Throwable read = gone == null ? null : ClientFaults.causeOf(gone);
        return read != null && !(read instanceof SocketTimeoutException)
                && read == request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    }

    /**
     * Removes the error exception Tomcat noted for its own answer to a client's mistake found while
     * the application read the body (a broken chunk: Tomcat sets the status and holds its page until
     * the request ends), so that its default page shows no stack: whether the application then
     * failed in its own way or answered in its own way (Tomcat discards that answer). Nothing
     * elsewhere: no other container notes one.
     *
     * @return whether there was such an exception for {@code status}
     */
    static boolean forgetTomcatsClientFault(HttpServletRequest request, int status) {
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable noted
                && ClientFaults.status(noted) == status) {
            request.removeAttribute(RequestDispatcher.ERROR_EXCEPTION);
            return true;
        }
        return false;
    }

    /** {@code failure} as this filter may throw it: as it is, or in an IOException if it is neither unchecked nor one. */
    private static IOException rethrowable(Throwable failure) {
        if (failure instanceof IOException io) {
            return io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IOException(failure);
    }

    /** The 500 for a result abandoned half-way: a cookie or redirect target from it must not reach the client. */
    private static void answerAbandoned(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ResponseHeaders.remove(response, "Set-Cookie", "Location");
        ProblemResponse.of(500).send(request, response);
    }

    /**
     * Answers an async timeout or error with a problem instead of the container's error page,
     * unless an earlier listener (the application's) already completed or dispatched.
     */
    private static final class AsyncFailures implements KitAsyncListener {
        private final AsyncTrackingRequest.TrackedAsyncContext async;
        private final ConnectionAbort abort;

        AsyncFailures(AsyncTrackingRequest.TrackedAsyncContext async, ConnectionAbort abort) {
            this.async = async;
            this.abort = abort;
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            answer(event, null);
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            answer(event, event.getThrowable());
        }

        private void answer(AsyncEvent event, Throwable failure) throws IOException {
            if (async.ended()) {
                return;
            }
            if (!async.claimFailureAnswer()) {
                // A failed task is being answered on another thread; once it is, this thread ends
                // the cycle (while it handles a timeout, Jetty lets no other thread do so).
                async.awaitFailureAnswer(CLAIMANT_WAIT_MILLIS);
                if (async.abortLeftToTimeout() && !async.ended()) {
                    abortCommitted(event, async, abort);
                    return;
                }
                completeUnlessEnded(async);
                return;
            }
            onAsyncFailure(event, async, failure, abort);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            // Nothing to do: the response ended normally.
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A new async cycle keeps its listeners only if re-added; this filter runs once per request.
        }
    }

    /**
     * A task the application started with {@code AsyncContext.start} threw: answered at once with
     * the 500 problem; once the response is under way, its connection broken (in an {@code ASYNC}
     * dispatch where that is known to reach this filter, else at the async timeout), the failure
     * logged once, redacted. Only where this filter cannot answer it (a request it does not see as
     * HTTP) does the container get the failure, as without this filter.
     */
    private boolean answerTaskFailure(AsyncTrackingRequest.TrackedAsyncContext async, Throwable failure) {
        // The request the cycle started on, not the context's: Tomcat refuses a task the context's
        // request once its own thread has begun on the failure of a read (see answerTaskBodyFault);
        // none once the cycle ended, when Tomcat may have recycled it.
        boolean ended = async.ended();
        if (BodyFaults.streamReset(failure, context)) {
            // An HTTP/2 client that reset its stream (an upload it gave up): gone, nothing to answer.
            LOG.debug("Request {}: an asynchronous task ended by its HTTP/2 client's reset of the stream ({})",
                    ended ? "-" : requestIdOf(async), failure.getClass().getSimpleName());
            if (!ended && async.claimFailureAnswerForTask()) {
                async.failureAnswerWritten();
                completeUnlessEnded(async);
            }
            return true;
        }
        int bodyFault = bodyFault(failure, ended ? null : async.startedOn(), context, async, false);
        if (bodyFault != 0) {
            return answerTaskBodyFault(async, failure, bodyFault, ended);
        }
        if (ClientFaults.causedBy(failure, BODY_TOO_LARGE)) {
            // The client's doing: a body over the limit (RequestSizeLimitFilter answered it and chose
            // how the connection ends). Handed back to the container, it would be logged with a stack
            // (Tomcat at ERROR) for anyone who sends too much. A task's EofException is not taken for
            // a departed client: deep in a task's failure it is as likely a backend that closed.
            // No request id: once the cycle has ended the container may refuse getRequest() (Jetty ee11).
            LOG.debug("An asynchronous task ended by the client's doing ({})", failure.getClass().getSimpleName());
            if (!async.ended() && async.claimFailureAnswerForTask()) {
                async.failureAnswerWritten();
                completeUnlessEnded(async);
            }
            return true;
        }
        if ((Containers.isUndertow(context) || Containers.isGlassFish(context) || Containers.isLiberty(context))
                && async.getResponse().isCommitted()
                && ClientFaults.clientGone(failure, context)
                && !abort.of(async.getRequest()).connectionKnownOpen(async.getRequest())) {
            // A write to a client that left, told apart by where Undertow, Grizzly or Liberty threw it (on
            // Jetty a task's EofException may as well be a backend's: see above; on Payara only while
            // this request's connection is closed, as Grizzly says the same of a backend's), on a
            // response the task had begun (a task failing on another request's client, its own answer
            // not begun, is the server's: below). The container's task executor would log it as an
            // uncaught exception.
            LOG.debug("An asynchronous task ended by the client's departure ({})", failure.getClass().getSimpleName());
            if (!async.ended() && async.claimFailureAnswerForTask()) {
                async.failureAnswerWritten();
                completeUnlessEnded(async);
            }
            return true;
        }
        if (async.ended() && async.leftByClient()) {
            // The client left and the cycle ended for it: Tomcat then refuses the task the cycle and
            // the request ("recycled", "after an error had occurred"), which is no server failure.
            // A failure of the task's own (a bug; not an I/O failure, which may be the departure's)
            // is the server's nonetheless.
            if (ClientFaults.mayComeOfDeparture(failure)) {
                LOG.debug("An asynchronous task failed after its client had left ({})", failure.getClass().getSimpleName());
            } else {
                ErrorLog.error(LOG, context, "An asynchronous task failed after its client had left",
                        RedactedThrowable.loggable(failure));
            }
            return true;
        }
        if (async.ended()) {
            // The request has its answer. Handed to the container, the failure would be logged with
            // its message as it is; no request id: the container may refuse getRequest() now (Jetty ee11).
            ErrorLog.error(LOG, context, "An asynchronous task failed after its request had been answered or dispatched",
                    RedactedThrowable.loggable(failure));
            return true;
        }
        ServletRequest asyncRequest;
        ServletResponse asyncResponse;
        try {
            asyncRequest = async.getRequest();
            asyncResponse = async.getResponse();
        } catch (IllegalStateException refused) {
            // Tomcat's own thread has taken the cycle's error (a client that reset its stream or
            // closed, answered by the kit's listener) or ended it, and refuses this thread the
            // cycle: the task's failure came of that, unless it is one of the task's own (a bug; not
            // an I/O failure). Thrown on, Tomcat logged an ERROR with a stack about its refusal alone.
            if (ClientFaults.mayComeOfDeparture(failure)) {
                LOG.debug("An asynchronous task failed while the container ended its cycle", failure);
            } else {
                ErrorLog.error(LOG, context, "An asynchronous task failed while the container ended its cycle",
                        RedactedThrowable.loggable(failure));
            }
            return true;
        }
        if (!(asyncRequest instanceof HttpServletRequest request)
                || !(asyncResponse instanceof HttpServletResponse response)) {
            return false;
        }
        if (response.isCommitted() && isRedirect(response) && async.claimFailureAnswerForTask()) {
            // Nothing to cut short (see isRedirect); handed to Tomcat, the failure would replace the
            // redirect it holds with its error page and the failure's stack, and Jetty would keep the
            // connection until the async timeout.
            try {
                ErrorLog.error(LOG, request.getServletContext(),
                        "Request {} failed in an asynchronous task after a redirect had completed its response: {} {}",
                        RequestIds.of(request), LogSafe.escape(request.getMethod()),
                        Redactor.redact(request.getRequestURI()), RedactedThrowable.loggable(failure));
            } finally {
                async.failureAnswerWritten();
            }
            completeUnlessEnded(async);
            return true;
        }
        ConnectionAbort connectionAbort = abort.of(request);
        if (response.isCommitted() && connectionAbort.endsCommittedTaskFailures() && async.claimFailureAnswerForTask()) {
            // Liberty would log the failure's message and stack as they are and append its error
            // page to the response: the connection is broken here instead, and the cycle completed.
            try {
                ResponseAbortedException aborted = logCommittedTaskFailure(request, failure, 0,
                        "aborting the connection");
                connectionAbort.abortAsync(request, response, aborted);
            } finally {
                async.failureAnswerWritten();
            }
            completeUnlessEnded(async);
            return true;
        }
        if (response.isCommitted() && async.claimFailureAnswerForTask()) {
            try {
                if (!dispatchCommittedTaskFailure(async, request, failure, 0)) {
                    leaveAbortToTimeout(async, request, failure);
                }
            } finally {
                async.failureAnswerWritten();
            }
            return true;
        }
        if (!async.claimFailureAnswerForTask()) {
            // Another task's failure, or the timeout, is being answered on another thread.
            ErrorLog.error(LOG, request.getServletContext(), async.failureAnswerClaimedByTask()
                    ? "Request {} failed in an asynchronous task while its failure was already being answered: {} {}"
                    : "Request {} failed in an asynchronous task while its timeout was being answered: {} {}",
                    RequestIds.of(request), LogSafe.escape(request.getMethod()), Redactor.redact(request.getRequestURI()),
                    RedactedThrowable.loggable(failure));
            return true;
        }
        boolean answered = false;
        try {
            ErrorLog.error(LOG, request.getServletContext(),
                    "Request {} failed in an asynchronous task and was answered 500: {} {}", RequestIds.of(request),
                    LogSafe.escape(request.getMethod()), Redactor.redact(request.getRequestURI()),
                    RedactedThrowable.loggable(failure));
            answerAbandoned(request, response);
            answered = true;
        } catch (IOException e) {
            failure.addSuppressed(e);
        } finally {
            async.failureAnswerWritten();
        }
        if (answered) {
            completeUnlessEnded(async);
        }
        return answered;
    }

    /**
     * The id of the request {@code tracked}'s cycle started on, as noted, or {@code "-"}: Tomcat
     * refuses a recycled request's attributes to a task that outlived the cycle.
     */
    private static Object requestIdOf(AsyncTrackingRequest.TrackedAsyncContext tracked) {
        try {
            Object id = tracked.startedOn().getAttribute(RequestIds.ATTRIBUTE);
            return id == null ? "-" : id;
        } catch (IllegalStateException recycled) {
            return "-";
        }
    }

    /**
     * The 4xx the failure of {@code tracked}'s cycle stands for as a fault of the client's body, or 0
     * (see {@link BodyFaults}). Tomcat's failed read is taken off the request, where Tomcat noted it
     * with its own 400: its default error page would show it with every frame of the chain and the
     * application, as on a request thread (see {@link #forgetTomcatsClientFault}); the cycle keeps it
     * for the other thread that hears of it.
     */
    private static int bodyFault(Throwable failure, ServletRequest request, ServletContext context,
            AsyncTrackingRequest.TrackedAsyncContext tracked, boolean toldByContainer) {
        IOException known = tracked.failedRead();
        IOException read = BodyFaults.tomcatsFailedRead(failure, request, context, known, toldByContainer);
        if (read != null && known == null) {
            tracked.failedRead(read);
            if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) == read) {
                request.removeAttribute(RequestDispatcher.ERROR_EXCEPTION);
            }
        }
        return BodyFaults.status(failure, read);
    }

    /**
     * A task's failure on its client's malformed, cut-short or stalled body: logged at DEBUG, and
     * answered as on a request thread (the 4xx problem, closing the connection, as the body's end is
     * not to be found; Tomcat's own answer, which it set when the read failed, left as it is), or a
     * response under way cut short. It was a 500 and an ERROR with a stack per request (and, where
     * the answer could not be written to a client gone, a WARN of Jetty's thread pool).
     *
     * <p>Through the request the cycle started on and the response it started with, not the
     * context's: once Tomcat's own thread has begun on a failed read it refuses them to this thread
     * (an {@code IllegalStateException} it logged as an ERROR with a stack). Tomcat tells the
     * cycle's listeners of the failed read only when its thread meets it too (a client that closed):
     * not to be waited for.
     */
    private boolean answerTaskBodyFault(AsyncTrackingRequest.TrackedAsyncContext async, Throwable failure,
            int status, boolean ended) {
        if (ended || !async.claimFailureAnswerForTask()) {
            // Answered, or being answered on another thread (the kit's listener, told by Tomcat); no
            // request id: the container may have recycled the request.
            LOG.debug("A request failed in an asynchronous task on its client's malformed or cut-short body ({}) "
                    + "after its answer", status);
            return true;
        }
        Object id = requestIdOf(async);
        if (!(async.startedOn() instanceof HttpServletRequest request)
                || !(async.startedWith() instanceof HttpServletResponse response)) {
            async.failureAnswerWritten();
            completeUnlessEnded(async);
            return true;
        }
        LOG.debug("Request {} failed in an asynchronous task on its client's malformed or cut-short body ({}): {} {}",
                id, status, LogSafe.escape(request.getMethod()), Redactor.redact(request.getRequestURI()));
        if (response.isCommitted() && !tomcatAnswered(async, response)) {
            try {
                ConnectionAbort connectionAbort = abort.of(request);
                if (connectionAbort.endsCommittedTaskFailures()) {
                    connectionAbort.abortAsync(request, response, ResponseAbortedException.malformedBody(
                            RequestIds.of(request)));
                    completeUnlessEnded(async);
                } else if (!dispatchCommittedTaskFailure(async, request, failure, status)) {
                    async.leaveAbortToTimeout();
                }
            } finally {
                async.failureAnswerWritten();
            }
            return true;
        }
        try {
            // Not over Tomcat's own answer: the problem is sent only while the response is not committed.
            ProblemResponse.of(status).closingConnection(request).send(request, response);
        } catch (IOException | RuntimeException unsent) {
            // A client gone (Jetty's IllegalStateException "Committed" after its 100 Continue, too):
            // thrown on, a WARN of Jetty's pool per request, and the cycle left to its timeout.
            LOG.debug("Request {} ended by the client before its answer ({}) was written", id, status, unsent);
        } finally {
            async.failureAnswerWritten();
        }
        completeUnlessEnded(async);
        return true;
    }

    /**
     * Whether Tomcat answered the cycle's failed read itself: it sends a 408 for a read that timed
     * out and a 400 for any other (its page held until the cycle ends), unless the application had
     * committed the response.
     */
    private static boolean tomcatAnswered(AsyncTrackingRequest.TrackedAsyncContext tracked,
            HttpServletResponse response) {
        IOException read = tracked.failedRead();
        return read != null && response.getStatus() == (read instanceof SocketTimeoutException
                ? HttpServletResponse.SC_REQUEST_TIMEOUT : HttpServletResponse.SC_BAD_REQUEST);
    }

    /**
     * Logs a task's failure after its response was committed, before the connection is broken: an
     * ERROR, or a DEBUG line where the client's body was at fault ({@code bodyFault} not 0).
     *
     * @return the exception to break the connection with
     */
    private static ResponseAbortedException logCommittedTaskFailure(HttpServletRequest request, Throwable failure,
            int bodyFault, String ending) {
        String id = RequestIds.of(request);
        String method = LogSafe.escape(request.getMethod());
        String path = Redactor.redact(request.getRequestURI());
        if (bodyFault != 0) {
            LOG.debug("Request {} failed in an asynchronous task on its client's malformed or cut-short body ({}) "
                    + "after its response was committed; " + ending + ": {} {}", id, bodyFault, method, path);
            return ResponseAbortedException.malformedBody(id);
        }
        ResponseAbortedException aborted = new ResponseAbortedException(id);
        ErrorLog.errorBefore(aborted, LOG, request.getServletContext(),
                "Request {} failed in an asynchronous task after its response was committed; " + ending + ": {} {}",
                id, method, path, RedactedThrowable.loggable(failure));
        return aborted;
    }

    /**
     * Ends the cycle of a task that failed after its response was committed on a container thread,
     * the sanctioned way: the request is marked and its cycle dispatched, and the {@code ASYNC}
     * dispatch, which runs this filter before any servlet, breaks the connection as a failure after
     * commit on a request thread does ({@link #abortAfterTaskFailure}), and the container ends the
     * cycle with its listeners told. From the task's own thread neither Jetty nor Tomcat lets the
     * connection be broken safely (Jetty's abort there tells no listener; Tomcat's connection state
     * is the request thread's). Only on Jetty, Tomcat and GlassFish (Payara, where it is tested:
     * held until the timeout otherwise), and only where this filter sees every {@code ASYNC} dispatch.
     *
     * @return whether the dispatch was made; false where it is not to be, or the container refused
     *     it (Jetty, while its own thread handles the timeout)
     */
    private boolean dispatchCommittedTaskFailure(AsyncTrackingRequest.TrackedAsyncContext async,
            HttpServletRequest request, Throwable failure, int bodyFault) {
        ServletContext servletContext = request.getServletContext();
        if (!seesEveryAsyncDispatch || !(Containers.isJetty(servletContext) || Containers.isTomcat(servletContext)
                || Containers.isGlassFish(servletContext))) {
            return false;
        }
        ServletContext own = context;
        if (own != null && async.startedIn() != null && async.startedIn() != own) {
            // Started in a cross-context forward: with startAsync(request, response) the dispatch goes
            // to the forward's URI, in a context whose servlet this chain may not guard.
            return false;
        }
        request.setAttribute(COMMITTED_TASK_FAILURE, new CommittedTaskFailure(failure, bodyFault, async));
        try {
            async.dispatch();
            return true;
        } catch (IllegalStateException refused) {
            request.removeAttribute(COMMITTED_TASK_FAILURE);
            LOG.debug("The failed task's cycle could not be dispatched; the timeout ends it", refused);
            return false;
        }
    }

    /**
     * Before a failure after commit leaves the chain on Jetty, which aborts the connection for it:
     * Jetty then tells the listeners of the cycle dispatched to this run nothing at all, and those of
     * a cycle started in this run only {@code onError} (even once it was completed or dispatched), so
     * an application that drops a subscriber or frees a resource in {@code onComplete} would never do
     * it. The kit tells them the rest, as Tomcat tells them ({@code onError} with the failure, then
     * {@code onComplete}); their {@code complete()} then does nothing, and the response they reach
     * refuses output (see {@link AbortedResponse}).
     *
     * @param startedHere the cycle this run started, or {@code null}
     */
    private static void tellListenersJettyWillNot(HttpServletRequest request,
            AsyncTrackingRequest.TrackedAsyncContext startedHere, Throwable failure, String id) {
        if (!Containers.isJetty(request.getServletContext())) {
            return;
        }
        if (startedHere != null) {
            // Also after the application's complete() or dispatch() (which the abort then overtakes):
            // Jetty still tells only onError.
            startedHere.abortedAtFailure(id);
        } else if (request.getDispatcherType() == DispatcherType.ASYNC
                && request.getAttribute(AsyncTrackingRequest.CURRENT_ATTRIBUTE)
                        instanceof AsyncTrackingRequest.TrackedAsyncContext dispatchedHere
                && dispatchedHere.dispatched()) {
            dispatchedHere.abortedInDispatch(failure, id);
        }
    }

    /**
     * The failed task's {@code ASYNC} dispatch: logs the task's failure and breaks the connection,
     * as for a failure after commit on the request's own thread.
     */
    private void abortAfterTaskFailure(HttpServletRequest request, HttpServletResponse response,
            CommittedTaskFailure failed) throws IOException {
        Throwable failure = failed.failure();
        String id = RequestIds.of(request);
        ResponseAbortedException aborted = logCommittedTaskFailure(request, failure, failed.bodyFault(),
                "aborting the connection");
        if (Containers.isJetty(request.getServletContext())) {
            // Thrown instead, the abort would make Jetty tell the listeners no more than it does after
            // this abort, nothing: here the kit tells them.
            if (abort.of(request).abortJetty(request, aborted)) {
                failed.async().abortedInDispatch(failure, id);
            }
            return;
        }
        IOException abortion = abort.of(request).forCommittedResponse(request, response, aborted);
        if (abortion != null) {
            throw abortion;
        }
    }

    /**
     * Where the failed task's cycle cannot be dispatched, the failure is logged here, redacted (the
     * container would log its message as it is), and the async timeout breaks the connection
     * without another ERROR line (see {@link AsyncFailures}).
     */
    private static void leaveAbortToTimeout(AsyncTrackingRequest.TrackedAsyncContext async, HttpServletRequest request,
            Throwable failure) {
        async.leaveAbortToTimeout();
        logCommittedTaskFailure(request, failure, 0, "the connection is aborted at the async timeout");
    }

    /**
     * A task's failure after commit, on its way to the {@code ASYNC} dispatch that ends the cycle;
     * {@code bodyFault} the 4xx of the client's body it stands for, or 0.
     */
    private record CommittedTaskFailure(Throwable failure, int bodyFault,
            AsyncTrackingRequest.TrackedAsyncContext async) {
    }

    private static void completeUnlessEnded(AsyncTrackingRequest.TrackedAsyncContext async) {
        if (async.ended()) {
            return;
        }
        try {
            async.complete();
        } catch (IllegalStateException alreadyEnded) {
            // Both threads of a race may try, and Jetty refuses a task's complete() while its own
            // thread handles the timeout (which then completes the cycle).
            LOG.debug("The cycle had already ended", alreadyEnded);
        }
    }

    private static void onAsyncFailure(AsyncEvent event, AsyncTrackingRequest.TrackedAsyncContext tracked,
            Throwable failure, ConnectionAbort abort) throws IOException {
        AsyncContext async = event.getAsyncContext();
        if (!(async.getRequest() instanceof HttpServletRequest) || !(async.getResponse() instanceof HttpServletResponse)) {
            return;
        }
        HttpServletRequest request = (HttpServletRequest) async.getRequest();
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        String id = RequestIds.of(request);
        String method = LogSafe.escape(request.getMethod());
        String path = Redactor.redact(request.getRequestURI());
        if (failure != null && (isClientGone(failure, request, abort)
                || BodyFaults.streamReset(failure, request.getServletContext()))) {
            // The client went away (a long poll or a stream it closed): nobody to answer, nothing to alarm.
            LOG.debug("Request {} ended by the client in asynchronous mode: {} {}", id, method, path);
            tracked.clientLeft();
            completeQuietly(async);
            return;
        }
        int bodyFault = failure == null ? 0 : bodyFault(failure, request, request.getServletContext(), tracked, true);
        if (bodyFault != 0) {
            answerBodyFault(async, tracked, request, response, bodyFault, abort);
            return;
        }
        if (failure == null && response.isCommitted() && isRedirect(response)) {
            // The application redirected and never completed the cycle: the redirect is the answer
            // (Tomcat, which holds it until the cycle ends, would send its 500 page instead).
            ErrorLog.error(LOG, request.getServletContext(),
                    "Request {} timed out in asynchronous mode after a redirect had completed its response: {} {}",
                    id, method, path);
            async.complete();
            return;
        }
        if (response.isCommitted()) {
            // Completing would end a half-written response cleanly: the connection must break instead.
            ResponseAbortedException aborted = new ResponseAbortedException(id);
            ErrorLog.errorBefore(aborted, LOG, request.getServletContext(),
                    "Request {} failed asynchronously after its response was committed; aborting the connection: "
                    + "{} {}", id, method, path, RedactedThrowable.loggable(failure));
            abortCommitted(async, tracked, request, response, aborted, abort);
            return;
        }
        if (failure == null) {
            ErrorLog.error(LOG, request.getServletContext(),
                    "Request {} timed out in asynchronous mode and was answered 500: {} {}", id, method, path);
        } else {
            ErrorLog.error(LOG, request.getServletContext(),
                    "Request {} failed asynchronously and was answered 500: {} {}", id, method, path,
                    RedactedThrowable.loggable(failure));
        }
        try {
            answerAbandoned(request, response);
        } catch (IOException unsent) {
            if (!isClientGone(unsent, request, abort)) {
                throw unsent;
            }
            // The client left before the timeout or error: the answer has nobody to go to. Thrown
            // out of the listener, Jetty logged a WARN per departed client ("... while invoking
            // onTimeout listener").
            LOG.debug("Request {} ended by the client before its answer was written: {} {}", id, method, path);
        }
        completeQuietly(async);
    }

    /**
     * The container's error for the client's malformed, cut-short or stalled body, told to the
     * cycle's listeners (Tomcat's, after a read failed on any thread), logged at DEBUG: the 4xx
     * problem, closing the connection, where the response is not begun; Tomcat's own answer (its
     * status set, the response held until the cycle ends) left as it is; a response under way cut
     * short. It was a 500 and an ERROR with a stack per request.
     */
    private static void answerBodyFault(AsyncContext async, AsyncTrackingRequest.TrackedAsyncContext tracked,
            HttpServletRequest request, HttpServletResponse response, int status, ConnectionAbort abort) {
        String id = RequestIds.of(request);
        LOG.debug("Request {} failed asynchronously on its client's malformed or cut-short body ({}): {} {}", id,
                status, LogSafe.escape(request.getMethod()), Redactor.redact(request.getRequestURI()));
        if (response.isCommitted() && !tomcatAnswered(tracked, response)) {
            abortCommitted(async, tracked, request, response, ResponseAbortedException.malformedBody(id), abort);
            return;
        }
        try {
            // Not over Tomcat's own answer: the problem is sent only while the response is not committed.
            ProblemResponse.of(status).closingConnection(request).send(request, response);
        } catch (IOException unsent) {
            LOG.debug("Request {} ended by the client before its answer ({}) was written", id, status, unsent);
        }
        completeQuietly(async);
    }

    /** Completes {@code async} unless it has ended already (a listener of the application's may have ended it). */
    private static void completeQuietly(AsyncContext async) {
        try {
            async.complete();
        } catch (IllegalStateException e) {
            LOG.debug("Async cycle already ended", e);
        }
    }

    /** At the async timeout, breaks the connection of a task's failure after commit, which the task logged. */
    private static void abortCommitted(AsyncEvent event, AsyncTrackingRequest.TrackedAsyncContext tracked,
            ConnectionAbort abort) {
        AsyncContext async = event.getAsyncContext();
        if (async.getRequest() instanceof HttpServletRequest request
                && async.getResponse() instanceof HttpServletResponse response) {
            abortCommitted(async, tracked, request, response, new ResponseAbortedException(RequestIds.of(request)),
                    abort);
        }
    }

    private static void abortCommitted(AsyncContext async, AsyncTrackingRequest.TrackedAsyncContext tracked,
            HttpServletRequest request, HttpServletResponse response, ResponseAbortedException aborted,
            ConnectionAbort abort) {
        // Tomcat goes on to include the application's error page, if it has one, unless the guard stops it.
        ErrorPageGuard.markAborted(request, RequestIds.of(request));
        boolean completes;
        if (Containers.isJetty(request.getServletContext())) {
            completes = false;
            if (abort.abortJetty(request, aborted)) {
                // Jetty ends the request without calling any listener: the application's hear of the end from the kit.
                tracked.abortedAtFailure(RequestIds.of(request));
            }
        } else {
            completes = abort.abortAsync(request, response, aborted);
        }
        if (completes) {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                LOG.debug("Async cycle already ended", e);
            }
        }
    }

    /**
     * Whether a committed response was made by {@code sendRedirect}, which writes no body: a failure
     * after it cuts nothing short. Tomcat reports a redirect committed but holds it until the
     * request ends. Seen by the chain's response wrapper, so that a 3xx whose body is under way is
     * cut short as any response; on the container's own response (what a no-argument
     * {@code startAsync()} hands out) only guessed, from a 3xx with a {@code Location}: Tomcat keeps
     * a content type set before the redirect, and would otherwise replace the redirect it holds
     * with its 500 page.
     */
    private static boolean isRedirect(HttpServletResponse response) {
        ErrorCapturingResponse capturing = ErrorCapturingResponse.in(response);
        if (capturing != null) {
            return capturing.redirected();
        }
        int status = response.getStatus();
        return status >= 300 && status < 400 && response.getHeader("Location") != null;
    }

    private static void warnWithoutDefaultServlet(ServletContext context) {
        for (ServletRegistration registration : context.getServletRegistrations().values()) {
            // "/*" takes every path too (a JAX-RS servlet's usual mapping).
            if (registration.getMappings().contains("/") || registration.getMappings().contains("/*")) {
                return;
            }
        }
        if (Containers.isTomcat(context)) {
            LOG.warn("No servlet is mapped to \"/\": Tomcat answers requests that match no servlet with its own "
                    + "error page, before any filter runs. Map a servlet to \"/\" (Tomcat's DefaultServlet, or "
                    + "one that calls sendError(404)) so that SafeErrorFilter answers them.");
        }
    }

    @Override
    public void destroy() {
        // No resources held.
    }
}
