package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The async context {@link SizeLimitedRequest}'s {@code startAsync} hands out. After a no-argument
 * {@code startAsync()} the container's context gives async code the container's own request (the
 * specification's "original request"), whose body reads go around the counting wrapper: the usual
 * {@code ac.start(() -> read(ac.getRequest()))} read any amount. This one gives the counting
 * wrapper instead (after {@code startAsync(request, response)}, the request the application
 * supplied), and delegates everything else but a {@code complete()} or {@code dispatch()} after the
 * filter's 413 (below). Listeners added here see it in their events, as they would have seen the
 * context they were added to.
 */
final class CountedAsyncContext implements AsyncContext {
    /** Request attribute holding the latest cycle's counted context. */
    static final String CURRENT_ATTRIBUTE = CountedAsyncContext.class.getName() + ".current";

    private static final Logger LOG = LoggerFactory.getLogger(CountedAsyncContext.class);

    private final AsyncContext delegate;
    private final SizeLimitedRequest request;
    /** Whether async code gets {@link #request} rather than the request the delegate gives. */
    private final boolean readsThroughCounting;
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Set when a later cycle began: this no longer stands for the container's context. */
    private volatile boolean superseded;

    private CountedAsyncContext(AsyncContext delegate, SizeLimitedRequest request, boolean readsThroughCounting) {
        this.delegate = delegate;
        this.request = request;
        this.readsThroughCounting = readsThroughCounting;
    }

    /** For a no-argument {@code startAsync()}: async code reads through {@code request}. */
    static CountedAsyncContext readingThrough(AsyncContext delegate, SizeLimitedRequest request) {
        return new CountedAsyncContext(delegate, request, true);
    }

    /** For {@code startAsync(request, response)}: async code gets the request the application supplied. */
    static CountedAsyncContext keepingSupplied(AsyncContext delegate, SizeLimitedRequest request) {
        return new CountedAsyncContext(delegate, request, false);
    }

    /** Whether this stands for {@code context}, the one the request below returned. */
    boolean wraps(AsyncContext context) {
        return delegate == context;
    }

    /** A later {@code startAsync} began a new cycle. */
    void supersede() {
        superseded = true;
    }

    /** The context this one delegates to. */
    AsyncContext delegate() {
        return delegate;
    }

    @Override
    public ServletRequest getRequest() {
        return readsThroughCounting ? request : delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    /*
     * Once RequestSizeLimitFilter has answered a read past the limit with its 413 it has completed
     * the cycle; the application's own complete() or dispatch() after that, as in the usual
     * "finally { ac.complete(); }" (and Jersey's completion of an async resource's answer), would
     * throw an IllegalStateException that the container logs with a stack for every oversized body.
     * They do nothing then.
     */

    @Override
    public void dispatch() {
        if (!request.answered()) {
            delegate.dispatch();
        }
    }

    @Override
    public void dispatch(String path) {
        if (!request.answered()) {
            delegate.dispatch(path);
        }
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        if (!request.answered()) {
            delegate.dispatch(context, path);
        }
    }

    @Override
    public void complete() {
        if (completed.compareAndSet(false, true) || !request.answered()) {
            delegate.complete();
        }
    }

    /**
     * Takes the cycle's completion for the filter, whose 413 is to be written on another thread:
     * the application's {@code complete()} until then does nothing (its {@code dispatch()} neither,
     * the answer being claimed), so the cycle cannot end with an empty response before the 413.
     */
    void holdCompletionForFilter() {
        completed.set(true);
    }

    /** The filter's own completion after {@link #holdCompletionForFilter}. */
    void completeForFilter() {
        delegate.complete();
    }

    @Override
    public void start(Runnable run) {
        delegate.start(() -> {
            try {
                run.run();
            } catch (RuntimeException failure) {
                if (!request.answered() || !ClientFaults.causedBy(failure, SafeErrorFilter.BODY_TOO_LARGE)) {
                    throw failure;
                }
                // The task's read past the limit, which the filter has answered (and the cycle
                // ended): thrown on, the container's pool logged it for every oversized body (Jetty
                // a WARN "Job failed" with the stack).
                LOG.debug("An asynchronous task ended by its body over the size limit ({})",
                        failure.getClass().getSimpleName());
            }
        });
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(new SeesThisContext(listener));
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        delegate.addListener(new SeesThisContext(listener), servletRequest, servletResponse);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return delegate.createListener(type);
    }

    @Override
    public void setTimeout(long timeout) {
        delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return delegate.getTimeout();
    }

    /** Hands a listener events that carry this context when they carry the one it wraps. */
    private final class SeesThisContext extends RetargetingListener {
        SeesThisContext(AsyncListener listener) {
            super(listener);
        }

        /**
         * The latest cycle's counted context when the event is about it (a listener that re-adds
         * itself in onStartAsync serves the next cycle), else this one when the event is about the
         * context it wraps, else the event as it is.
         */
        @Override
        AsyncEvent retarget(AsyncEvent event) {
            AsyncContext context = event.getAsyncContext();
            CountedAsyncContext target = null;
            try {
                // Through the request this context was made for, which shares the container's
                // attributes: the context's getRequest() Tomcat refuses after complete(), and Liberty
                // logs an ERROR (SRVE9015E) before it refuses, at every onComplete.
                Object current = context == null ? null : request.getAttribute(CURRENT_ATTRIBUTE);
                if (current instanceof CountedAsyncContext latest && !latest.superseded && latest.wraps(context)) {
                    target = latest;
                }
            } catch (IllegalStateException recycled) {
                // Tomcat refuses a recycled request's attributes: fall back to this one.
                target = null;
            }
            if (target == null && !superseded && context == delegate) {
                target = CountedAsyncContext.this;
            }
            return target == null ? event
                    : new AsyncEvent(target, event.getSuppliedRequest(), event.getSuppliedResponse(), event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) throws IOException {
            try {
                super.onStartAsync(event);
            } finally {
                // A new cycle began, perhaps past this filter (mapped for REQUEST only, the next run
                // is not wrapped): this context no longer stands for the container's, which may be
                // the same object. Only after the listener had it, so that re-adding itself through
                // it keeps the listener retargeted to a later counted context.
                supersede();
            }
        }
    }
}
