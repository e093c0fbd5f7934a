package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's listeners of one async cycle, as added (with the request and response they
 * were added with), so that they can be told of its end where the container will not: when the
 * error boundary breaks a committed response's connection on Jetty ({@code ServletChannel.abort}),
 * Jetty moves the request straight to its end and calls no listener, and an application that drops
 * a long poll's subscriber in {@code onComplete} or {@code onError} would keep it for ever.
 */
final class ApplicationListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationListeners.class);

    private final List<Added> added = new CopyOnWriteArrayList<>();
    /** Set once the cycle's connection was broken at a timeout or error the listeners hear from the container. */
    private volatile String abortedAfterFailureOf;

    /** A listener as the container calls it (the kit's wrapper of the application's), and what came with it. */
    private static final class Added {
        private final AsyncListener listener;
        private final ServletRequest request;
        private final ServletResponse response;
        /** Whether the container told it of the timeout or error (it calls the listeners in turn). */
        private final AtomicBoolean heardFailure = new AtomicBoolean();
        private final AtomicBoolean toldComplete = new AtomicBoolean();

        Added(AsyncListener listener, ServletRequest request, ServletResponse response) {
            this.listener = listener;
            this.request = request;
            this.response = response;
        }
    }

    /**
     * Keeps {@code wrapper} (what the container was given) unless the listener in it is the kit's
     * own: those act on the kit's behalf and must hear only what the container tells them.
     */
    void add(AsyncListener wrapper, ServletRequest request, ServletResponse response) {
        if (!isKits(wrapper) && !recordedByInnerBoundary(wrapper)) {
            added.add(new Added(wrapper, request, response));
        }
    }

    /**
     * Tells each listener of the end of a cycle whose connection was broken in an {@code ASYNC}
     * dispatch, where the container tells none: {@code onError} with {@code failure} to each, then
     * {@code onComplete} to each, in the order they were added, as the container would.
     */
    void tellOfAbortAfter(Throwable failure, AsyncContext container, String requestId) {
        for (Added each : added) {
            if (each.heardFailure.compareAndSet(false, true)) {
                try {
                    each.listener.onError(event(each, container, failure));
                } catch (IOException | RuntimeException e) {
                    warn("onError", requestId, e);
                }
            }
        }
        for (Added each : added) {
            complete(each, container, requestId);
        }
    }

    /**
     * Tells the listeners that the container told of a timeout or error (it calls them in turn, and
     * the kit's own listener broke the connection among them) of the cycle's end; those after it
     * are told once the container has told them (see {@link #heardFailure}).
     */
    void tellOfAbortAtFailure(AsyncContext container, String requestId) {
        abortedAfterFailureOf = requestId;
        for (Added each : added) {
            if (each.heardFailure.get()) {
                complete(each, container, requestId);
            }
        }
    }

    /** Called by the wrapper {@code listener} once the container told it of a timeout or error. */
    void heardFailure(AsyncListener listener, AsyncContext container) {
        for (Added each : added) {
            if (each.listener == listener && each.heardFailure.compareAndSet(false, true)) {
                String requestId = abortedAfterFailureOf;
                if (requestId != null) {
                    complete(each, container, requestId);
                }
            }
        }
    }

    private static void complete(Added each, AsyncContext container, String requestId) {
        if (!each.toldComplete.compareAndSet(false, true)) {
            return;
        }
        try {
            each.listener.onComplete(event(each, container, null));
        } catch (IOException | RuntimeException e) {
            warn("onComplete", requestId, e);
        }
    }

    /**
     * The event the container would send: with the request and response the listener was added
     * with, else the cycle's own (those of {@code startAsync}), as Jetty and Tomcat give them.
     */
    private static AsyncEvent event(Added each, AsyncContext container, Throwable failure) {
        ServletRequest request = each.request;
        ServletResponse response = each.response;
        if (request == null || response == null) {
            try {
                request = container.getRequest();
                response = container.getResponse();
            } catch (IllegalStateException ended) {
                LOG.debug("The cycle's request and response are no longer available to its listeners' event", ended);
            }
        }
        return failure == null ? new AsyncEvent(container, request, response)
                : new AsyncEvent(container, request, response, failure);
    }

    private static void warn(String event, String requestId, Exception e) {
        LOG.warn("An AsyncListener of the application failed in {} after the connection of request {} was aborted",
                event, requestId, RedactedThrowable.loggable(e));
    }

    /**
     * Whether the listener in {@code wrapper} reached this cycle through another error boundary's
     * tracked context (an application's own {@code SafeErrorFilter} inside the chain), which keeps
     * it already: kept twice, it would be told of the end twice.
     */
    private static boolean recordedByInnerBoundary(AsyncListener wrapper) {
        AsyncListener inner = wrapper instanceof RetargetingListener retargeting ? retargeting.listener() : null;
        while (inner instanceof RetargetingListener retargeting) {
            if (retargeting instanceof AsyncTrackingRequest.SeesThisContext) {
                return true;
            }
            inner = retargeting.listener();
        }
        return false;
    }

    private static boolean isKits(AsyncListener listener) {
        AsyncListener inner = listener;
        while (inner instanceof RetargetingListener retargeting) {
            inner = retargeting.listener();
        }
        return inner instanceof KitAsyncListener;
    }
}
