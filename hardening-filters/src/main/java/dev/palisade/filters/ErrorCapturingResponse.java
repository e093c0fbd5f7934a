package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * The response {@link SafeErrorFilter} hands down the chain. {@code sendError} never reaches the
 * container (whose error pages echo the message and leak versions): on the request thread the
 * status is recorded and the filter writes a problem body once the chain returns; on an async
 * thread, where the filter has already returned, the problem is written at once. The message is
 * dropped in both cases, since it often carries exception text.
 *
 * <p>It also notes whether the application asked for the body stream, so that a bare
 * {@code setStatus(4xx/5xx)} with no body can be given a problem body while an application's own
 * error body is left alone; and, as the one response wrapper of the chain, which of
 * {@link SecurityHeadersFilter}'s fields still hold their default value
 * ({@link #addDefaultField}): the application's own value replaces a default even when it is added,
 * so that {@code addHeader("Cache-Control", "max-age=60")} (Spring's {@code ResponseEntity} writes
 * its fields that way) does not end as a second field beside {@code no-store}.
 */
final class ErrorCapturingResponse extends HttpServletResponseWrapper {
    private final HttpServletRequest request;
    private final SafeErrorFilter owner;
    private int errorStatus;
    /** Whether the problem for {@link #errorStatus} has been written already (when a forward returned). */
    private boolean errorAnswered;
    /**
     * The include or forward the current thread is in, as {@link ErrorPageGuard} sees it; unset for
     * none. Per thread: a dispatch runs on the thread that calls it, and an async task may include
     * while the request thread does something else (one field per response let one thread's
     * include swallow another's {@code sendError}, and overlapping includes left it set for good).
     */
    private static final ThreadLocal<DispatcherType> DISPATCH = new ThreadLocal<>();
    /** Set when the outermost forward returned normally: the forward's target wrote the whole response. */
    private volatile boolean forwardCompleted;
    private volatile boolean redirected;
    private boolean bodyRequested;
    /** Set once the filter's run that made this wrapper is over: a status recorded later would never be answered. */
    private volatile boolean filterReturned;
    /** Bits of the {@link DefaultFields} that still hold their default value. */
    private int defaultFields;
    /** Bits of the {@link DefaultFields} added, whatever became of them, for {@link #reset()}. */
    private int addedDefaults;
    /** The values they were added with, by number: the adding filter's own table, shared, not copied. */
    private String[] defaultValues;

    ErrorCapturingResponse(HttpServletRequest request, HttpServletResponse response, SafeErrorFilter owner) {
        super(response);
        this.request = request;
        this.owner = owner;
    }

    /** The status of a captured {@code sendError}, or 0. */
    int errorStatus() {
        return errorStatus;
    }

    /** Whether the problem for {@link #errorStatus()} was written when a forward returned. */
    boolean errorAnswered() {
        return errorAnswered;
    }

    /** The chain's response under {@code response}'s wrappers, or {@code null}. */
    static ErrorCapturingResponse in(ServletResponse response) {
        for (ServletResponse r = response; r instanceof ServletResponseWrapper wrapper; r = wrapper.getResponse()) {
            if (r instanceof ErrorCapturingResponse capturing) {
                return capturing;
            }
        }
        return null;
    }

    /** The include or forward the current thread runs, or {@code null}. */
    static DispatcherType currentDispatch() {
        return DISPATCH.get();
    }

    /**
     * Passes an include on through {@code chain}, noting that an include runs, for a filter mapped
     * for includes without {@link SafeErrorFilter} (which notes it itself): a forward made inside
     * the include can then tell that it cannot change the page's status.
     */
    static void include(FilterChain chain, ServletRequest request, ServletResponse response)
            throws IOException, ServletException {
        DispatcherType enclosing = DISPATCH.get();
        DISPATCH.set(DispatcherType.INCLUDE);
        try {
            chain.doFilter(request, response);
        } finally {
            dispatching(enclosing);
        }
    }

    /** Notes the include or forward the current thread now runs; {@code null} when it ends. */
    static void dispatching(DispatcherType type) {
        if (type == null) {
            DISPATCH.remove();
        } else {
            DISPATCH.set(type);
        }
    }

    /**
     * Whether the application's {@code sendRedirect} completed the response: Jetty sends the
     * redirect at once, Tomcat holds it until the request ends but reports it committed.
     */
    boolean redirected() {
        return redirected;
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        super.sendRedirect(location);
        redirected = true;
    }

    // Servlet 6.1's overloads: see StatusRedirect for why they are declared without @Override.

    public void sendRedirect(String location, int sc) throws IOException {
        sendRedirect(location, sc, true);
    }

    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        sendRedirect(location, SC_FOUND, clearBuffer);
    }

    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        StatusRedirect.send((HttpServletResponse) getResponse(), location, sc, clearBuffer);
        redirected = true;
    }

    /** Whether a forward completed the response (see {@link #forwardReturned()}). */
    boolean forwardCompleted() {
        return forwardCompleted;
    }

    /**
     * Adds {@code field} with its default value, {@code values[field]}, which the application's own
     * value replaces. {@code values} is kept (not copied) for {@link #reset()}: the caller never changes it.
     */
    void addDefaultField(int field, String[] values) {
        super.addHeader(DefaultFields.name(field), values[field]);
        defaultFields |= 1 << field;
        addedDefaults |= 1 << field;
        defaultValues = values;
    }

    @Override
    public void addHeader(String name, String value) {
        // A null value adds nothing in either container; it must not remove a default either.
        int replaced = defaultFields == 0 || value == null ? 0 : DefaultFields.bit(name) & defaultFields;
        if (replaced != 0) {
            defaultFields &= ~replaced;
            super.setHeader(name, value);
            return;
        }
        super.addHeader(name, value);
    }

    @Override
    public void setHeader(String name, String value) {
        if (defaultFields != 0) {
            defaultFields &= ~DefaultFields.bit(name);
        }
        super.setHeader(name, value);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        sendError(sc);
    }

    @Override
    public void sendError(int sc) throws IOException {
        if (DISPATCH.get() == DispatcherType.INCLUDE) {
            // An included servlet cannot change the status (the specification): the containers ignore
            // it, but Tomcat only below this wrapper, which would have answered the error regardless.
            return;
        }
        if (sc < 400 || sc > 599) {
            // Not an error status: nothing the problem format can express; keep the servlet semantics.
            super.sendError(sc);
            return;
        }
        if (isCommitted()) {
            throw new IllegalStateException("Cannot send an error after the response has been committed");
        }
        HttpServletResponse response = (HttpServletResponse) getResponse();
        response.resetBuffer();
        if (filterReturned || request.isAsyncStarted()) {
            // The filter has returned (or may have): nobody would write a recorded status later. After
            // AsyncContext.dispatch() that includes code that kept this response from the first run.
            owner.answer(request, response, sc, false);
            return;
        }
        errorStatus = sc;
        // Should a writer taken before this commit the response (a close() in a finally block), the
        // client gets the right status, if not the problem body.
        response.setStatus(sc);
    }

    /**
     * Answers what a forwarded servlet left, as {@link SafeErrorFilter} answers a request's own run:
     * a {@code sendError}, or an error status without a body. Called by the guard when a
     * forward (not one within an include) returned normally, before the container closes the response.
     */
    void forwardReturned() throws IOException {
        forwardCompleted = true;
        if (errorStatus != 0 && !errorAnswered) {
            errorAnswered = true;
            owner.answer(request, (HttpServletResponse) getResponse(), errorStatus, false);
        } else if (errorStatus == 0 && !request.isAsyncStarted()) {
            answerBareErrorStatus(false);
        }
    }

    /**
     * Gives a bare error status (set with {@code setStatus}, no {@code sendError}) its problem body,
     * unless the application asked for the body itself: its own error body is left alone.
     *
     * @param endsChain whether the filter's run has returned from the chain (see {@link SafeErrorFilter#answer})
     */
    void answerBareErrorStatus(boolean endsChain) throws IOException {
        HttpServletResponse response = (HttpServletResponse) getResponse();
        int status = response.getStatus();
        if (status < 400 || status > 599) {
            return;
        }
        if (!response.isCommitted()) {
            if (!bodyRequested) {
                owner.answer(request, response, status, endsChain);
            }
        } else {
            // Perhaps Tomcat's own answer to a broken body the application read and gave up on.
            SafeErrorFilter.forgetTomcatsClientFault(request, status);
        }
    }

    /** Called when the filter's run that made this wrapper returns or throws. */
    void filterReturned() {
        filterReturned = true;
    }

    /** Whether {@code filter}'s run that made this wrapper is still under way. */
    boolean madeByRunningFilter(SafeErrorFilter filter) {
        return owner == filter && !filterReturned;
    }

    /** After {@code sendError} the response counts as committed, as the servlet specification says. */
    @Override
    public boolean isCommitted() {
        return errorStatus != 0 || super.isCommitted();
    }

    @Override
    public int getStatus() {
        return errorStatus != 0 ? errorStatus : super.getStatus();
    }

    @Override
    public void setStatus(int sc) {
        if (errorStatus == 0) {
            super.setStatus(sc);
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        // Flushing after sendError would commit the real response with the wrong status.
        if (errorStatus == 0) {
            super.flushBuffer();
        }
    }

    /**
     * Clears what the application set, as {@code reset()} means, but puts back what the chain set
     * before it: the request id (every response carries one), the security fields' defaults (an
     * application value that replaced one is gone with the reset) and the frame policy. Without this
     * a reset response would leave as if the chain had never seen it.
     */
    @Override
    public void reset() {
        if (errorStatus != 0) {
            throw new IllegalStateException("Cannot reset after sendError: the response counts as committed");
        }
        String requestId = RequestIds.of(request);
        boolean framePolicy = getHeaders(SecurityHeadersFilter.CONTENT_SECURITY_POLICY)
                .contains(SecurityHeadersFilter.FRAME_POLICY);
        int added = addedDefaults;
        String[] defaults = defaultValues;
        addedDefaults = 0;
        super.reset();
        errorStatus = 0;
        bodyRequested = false;
        defaultFields = 0;
        super.addHeader(RequestIds.HEADER, requestId);
        for (int field = 0; field < DefaultFields.count(); field++) {
            if ((added & (1 << field)) != 0) {
                addDefaultField(field, defaults);
            }
        }
        if (framePolicy) {
            super.addHeader(SecurityHeadersFilter.CONTENT_SECURITY_POLICY, SecurityHeadersFilter.FRAME_POLICY);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        bodyRequested = true;
        // After sendError the body is the problem's: what the application writes now is dropped, as
        // the containers drop it, instead of committing the response before the problem is written.
        return errorStatus != 0 ? DISCARDED_BODY : super.getOutputStream();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        bodyRequested = true;
        return errorStatus != 0 ? new PrintWriter(Writer.nullWriter()) : super.getWriter();
    }

    private static final ServletOutputStream DISCARDED_BODY = new ServletOutputStream() {
        @Override
        public void write(int b) {
            // Dropped: see getOutputStream.
        }

        @Override
        public void write(byte[] b, int off, int len) {
            // Dropped: see getOutputStream.
        }

        @Override
        public void print(String s) {
            // Dropped, as any text: the inherited method would refuse a character past ISO-8859-1.
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new IllegalStateException("No body can be written after sendError");
        }
    };
}
