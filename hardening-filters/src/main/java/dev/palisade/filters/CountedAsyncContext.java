package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * The async context {@link SizeLimitedRequest#startAsync()} hands out. After a no-argument
 * {@code startAsync()} the container's context gives async code the container's own request (the
 * specification's "original request"), whose body reads go around the counting wrapper: the usual
 * {@code ac.start(() -> read(ac.getRequest()))} read any amount. This one gives the counting
 * wrapper instead, and delegates everything else. Listeners added here see it in their events, as
 * they would have seen the context they were added to.
 */
final class CountedAsyncContext implements AsyncContext {
    private final AsyncContext delegate;
    private final SizeLimitedRequest request;

    CountedAsyncContext(AsyncContext delegate, SizeLimitedRequest request) {
        this.delegate = delegate;
        this.request = request;
    }

    /** Whether this stands for {@code context}, the one the request below returned. */
    boolean wraps(AsyncContext context) {
        return delegate == context;
    }

    @Override
    public ServletRequest getRequest() {
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        delegate.dispatch(context, path);
    }

    @Override
    public void complete() {
        delegate.complete();
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
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
    private final class SeesThisContext implements AsyncListener {
        private final AsyncListener listener;

        SeesThisContext(AsyncListener listener) {
            this.listener = listener;
        }

        private AsyncEvent retarget(AsyncEvent event) {
            return event.getAsyncContext() == delegate
                    ? new AsyncEvent(CountedAsyncContext.this, event.getSuppliedRequest(), event.getSuppliedResponse(),
                            event.getThrowable())
                    : event;
        }

        @Override
        public void onComplete(AsyncEvent event) throws IOException {
            listener.onComplete(retarget(event));
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            listener.onTimeout(retarget(event));
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            listener.onError(retarget(event));
        }

        @Override
        public void onStartAsync(AsyncEvent event) throws IOException {
            listener.onStartAsync(retarget(event));
        }
    }
}
