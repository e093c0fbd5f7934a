package dev.palisade.filters;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request {@link SafeErrorFilter} hands down the chain, so that it can tell whether the
 * application ended an asynchronous cycle itself. When a timeout or error reaches the filter's
 * listener, an earlier listener of the application's may already have answered and called
 * {@code complete()} or {@code dispatch()}: the usual long poll answers its own timeout with a 204.
 * Neither container says so portably (on Jetty {@code isAsyncStarted()} stays true while the
 * listeners run), so the async context the application gets is wrapped and notes those calls.
 *
 * <p>A task given to {@code AsyncContext.start} that throws would otherwise leave the client
 * waiting for the async timeout (30 s by default) before any answer: the wrapper hands its failure
 * to a {@link TaskFailures} handler at once.
 */
final class AsyncTrackingRequest extends HttpServletRequestWrapper {
    /** Request attribute holding the latest cycle's tracked context. */
    static final String CURRENT_ATTRIBUTE = AsyncTrackingRequest.class.getName() + ".current";
    private static final Logger LOG = LoggerFactory.getLogger(AsyncTrackingRequest.class);

    private final TaskFailures taskFailures;
    private volatile TrackedAsyncContext current;

    AsyncTrackingRequest(HttpServletRequest request, TaskFailures taskFailures) {
        super(request);
        this.taskFailures = taskFailures;
    }

    /** What to do when a task started on the async context throws. */
    @FunctionalInterface
    interface TaskFailures {
        /** Whether {@code failure} was answered; if not, it is rethrown to the container. */
        boolean answered(TrackedAsyncContext async, Throwable failure);
    }

    /** The context of the latest {@code startAsync}, or {@code null} if there was none. */
    TrackedAsyncContext trackedAsyncContext() {
        return current;
    }

    @Override
    public AsyncContext startAsync() {
        return track(super.startAsync());
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return track(super.startAsync(request, response));
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext context = super.getAsyncContext();
        TrackedAsyncContext tracked = current;
        return tracked != null && tracked.delegate == context ? tracked : context;
    }

    private AsyncContext track(AsyncContext context) {
        // Each startAsync begins a new cycle (a container may hand back the same object), so a new record.
        TrackedAsyncContext tracked = new TrackedAsyncContext(context, this, taskFailures);
        tracked.startedIn = getServletContext();
        current = tracked;
        // For the application's listeners, whichever dispatch's wrapper added them (see SeesThisContext).
        setAttribute(CURRENT_ATTRIBUTE, tracked);
        return tracked;
    }

    /**
     * An application's listener, handed events that carry the tracked context of the cycle they
     * belong to: the usual timeout handler ends the cycle with
     * {@code event.getAsyncContext().complete()}, and the container's own context in the event would
     * not note it. The cycle's tracked context is looked up when the event comes (a request
     * attribute), not fixed when the listener was added: a listener that re-adds itself in
     * {@code onStartAsync} serves the next cycle, whose tracked context does not exist yet then.
     */
    static final class SeesThisContext extends RetargetingListener {
        /**
         * The request whose attribute names the cycle's tracked context. Not the event's context's
         * {@code getRequest()}: after {@code complete()} Tomcat refuses it, and Liberty logs an
         * ERROR (SRVE9015E) before it refuses, at every {@code onComplete}.
         */
        private final ServletRequest attributes;

        /** The cycle's record of the application's listeners, told when the container will not tell them. */
        private final ApplicationListeners listeners;

        SeesThisContext(AsyncListener listener, ServletRequest attributes, ApplicationListeners listeners) {
            super(listener);
            this.attributes = attributes;
            this.listeners = listeners;
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            try {
                super.onTimeout(event);
            } finally {
                listeners.heardFailure(this, event.getAsyncContext());
            }
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            try {
                super.onError(event);
            } finally {
                listeners.heardFailure(this, event.getAsyncContext());
            }
        }

        @Override
        AsyncEvent retarget(AsyncEvent event) {
            AsyncContext container = event.getAsyncContext();
            Object current;
            try {
                current = container == null ? null : attributes.getAttribute(CURRENT_ATTRIBUTE);
            } catch (IllegalStateException recycled) {
                // Tomcat refuses a recycled request's attributes: nothing to retarget to.
                return event;
            }
            if (current instanceof TrackedAsyncContext tracked && tracked.wraps(container)) {
                ServletResponse supplied = event.getSuppliedResponse();
                return new AsyncEvent(tracked, event.getSuppliedRequest(),
                        tracked.abortedByKit() ? AbortedResponse.of(supplied) : supplied, event.getThrowable());
            }
            return event;
        }
    }

    /** Delegates everything; notes whether the application completed or dispatched. */
    static final class TrackedAsyncContext implements AsyncContext {
        /** Answers no task failure: the container handles it. */
        private static final TaskFailures UNANSWERED = (async, failure) -> false;
        private static final int UNCLAIMED = 0;
        private static final int CLAIMED_BY_TASK = 1;
        private static final int CLAIMED_BY_CONTAINER = 2;

        private final AsyncContext delegate;
        /** The request the cycle was started on, whose attribute names the cycle's tracked context. */
        private final ServletRequest request;
        /** The cycle's response, asked for while the container hands it out to any thread. */
        private final ServletResponse response;
        private final TaskFailures taskFailures;
        private volatile boolean ended;
        private volatile boolean dispatched;
        /** Who claimed the answer to this cycle's failure: {@link #UNCLAIMED}, {@link #CLAIMED_BY_TASK} or {@link #CLAIMED_BY_CONTAINER}. */
        private final AtomicInteger failureClaimed = new AtomicInteger(UNCLAIMED);
        private final CountDownLatch failureAnswerWritten = new CountDownLatch(1);
        /** Set by a failed task that claimed the answer but could not dispatch: the timeout is to abort the connection. */
        private volatile boolean abortLeftToTimeout;
        /** The application's listeners, for Jetty, which tells none of a cycle whose connection the kit broke. */
        private final ApplicationListeners applicationListeners = new ApplicationListeners();
        /**
         * Set once the kit broke the connection and ended the cycle itself (on Jetty, see
         * {@link #abortedInDispatch}): the application's {@code complete()} or {@code dispatch()},
         * such as a listener's usual {@code complete()} in {@code onError}, then does nothing.
         */
        private volatile boolean abortedByKit;

        /**
         * The context of the dispatch that started the cycle: another than the error boundary's when
         * it started in a cross-context forward, where a dispatch of the cycle may go to a servlet of
         * that context, which the chain may not guard.
         */
        private volatile ServletContext startedIn;

        TrackedAsyncContext(AsyncContext delegate, ServletRequest request) {
            this(delegate, request, UNANSWERED);
        }

        /**
         * Tomcat's failed read of the request's body, once the kit took it off the request (so
         * that Tomcat's error page does not show it), for the other thread that may meet it: a
         * task and the cycle's listeners both hear of it.
         */
        private volatile IOException failedRead;

        IOException failedRead() {
            return failedRead;
        }

        /** Set when the cycle ended because its client left (the kit's listener heard so). */
        private volatile boolean leftByClient;

        void clientLeft() {
            leftByClient = true;
        }

        boolean leftByClient() {
            return leftByClient;
        }

        void failedRead(IOException read) {
            failedRead = read;
        }

        /**
         * The request the cycle was started on: its attributes, where the container's context may
         * refuse its own (Tomcat, to a task once its thread handles the cycle's error).
         */
        ServletRequest startedOn() {
            return request;
        }

        /** The cycle's response as it was when the cycle started (see {@link #startedOn}). */
        ServletResponse startedWith() {
            return response;
        }

        /** The context of the dispatch that started the cycle, or {@code null} if not known. */
        ServletContext startedIn() {
            return startedIn;
        }

        TrackedAsyncContext(AsyncContext delegate, ServletRequest request, TaskFailures taskFailures) {
            this.delegate = delegate;
            this.request = request;
            this.response = delegate.getResponse();
            this.taskFailures = taskFailures;
        }

        /**
         * Whether this context stands for the container's {@code context}: directly, or through the
         * tracked contexts of earlier dispatches' wrappers (after {@code AsyncContext.dispatch()} the
         * filter wraps the request it wrapped before, and a new {@code startAsync} passes through both).
         */
        boolean wraps(AsyncContext context) {
            AsyncContext inner = delegate;
            while (true) {
                if (inner instanceof TrackedAsyncContext tracked) {
                    inner = tracked.delegate;
                } else if (inner instanceof CountedAsyncContext counted) {
                    // RequestSizeLimitFilter's, when a later dispatch's request is its wrapper.
                    inner = counted.delegate();
                } else {
                    return inner == context;
                }
            }
        }

        /** Whether {@code complete()} or a {@code dispatch} was called: the cycle has its answer. */
        boolean ended() {
            return ended;
        }

        /**
         * Claims the answer to this cycle's failure; only the first caller gets {@code true}. A task
         * that throws and the async timeout (or error) can come at once on two threads, and each
         * sees the cycle not yet ended until the other's {@code complete()} returns: without the
         * claim both would log the request and write its answer.
         */
        boolean claimFailureAnswer() {
            return failureClaimed.compareAndSet(UNCLAIMED, CLAIMED_BY_CONTAINER);
        }

        /** As {@link #claimFailureAnswer}, by a failed task. */
        boolean claimFailureAnswerForTask() {
            return failureClaimed.compareAndSet(UNCLAIMED, CLAIMED_BY_TASK);
        }

        /** Whether the answer to this cycle's failure is claimed (a committed response may be that answer's). */
        boolean failureAnswerClaimed() {
            return failureClaimed.get() != UNCLAIMED;
        }

        /** Whether a failed task (not the timeout or the container's error) claimed the answer to this cycle's failure. */
        boolean failureAnswerClaimedByTask() {
            return failureClaimed.get() == CLAIMED_BY_TASK;
        }

        /** Called by a task that claimed the answer, once it is written (or abandoned). */
        void failureAnswerWritten() {
            failureAnswerWritten.countDown();
        }

        /**
         * Waits, at most {@code millis}, until a failed task that claimed the answer has written
         * it: a timeout listener that returned before would let the container answer the timeout
         * over it (and Jetty refuses the task's {@code complete()} while its own thread handles a
         * timeout).
         */
        void awaitFailureAnswer(long millis) {
            try {
                if (!failureAnswerWritten.await(millis, TimeUnit.MILLISECONDS)) {
                    LOG.warn("A failed asynchronous task's answer took over {} ms on another thread; the cycle is "
                            + "completed without waiting longer", millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Called by a failed task that claimed the answer to a committed response's failure (and
         * logged it) but could not dispatch the cycle to break the connection: Jetty refuses another
         * thread's dispatch while its own thread handles the timeout, and that thread then breaks it.
         */
        void leaveAbortToTimeout() {
            abortLeftToTimeout = true;
        }

        /** Whether the timeout is to break the connection of a failure already logged (see {@link #leaveAbortToTimeout}). */
        boolean abortLeftToTimeout() {
            return abortLeftToTimeout;
        }

        /** Whether a {@code dispatch} was called: another run of the request is to answer it. */
        boolean dispatched() {
            return dispatched;
        }

        @Override
        public ServletRequest getRequest() {
            return delegate.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            ServletResponse response = delegate.getResponse();
            return abortedByKit ? AbortedResponse.of(response) : response;
        }

        /** Whether the kit broke this cycle's connection and ended it (see {@link #abortedInDispatch}). */
        boolean abortedByKit() {
            return abortedByKit;
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return delegate.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            if (abortedByKit) {
                return;
            }
            delegate.dispatch();
            ended = true;
            dispatched = true;
        }

        @Override
        public void dispatch(String path) {
            if (abortedByKit) {
                return;
            }
            delegate.dispatch(path);
            ended = true;
            dispatched = true;
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            if (abortedByKit) {
                return;
            }
            delegate.dispatch(context, path);
            ended = true;
            dispatched = true;
        }

        @Override
        public void complete() {
            if (abortedByKit) {
                return;
            }
            delegate.complete();
            ended = true;
        }

        @Override
        public void start(Runnable run) {
            delegate.start(() -> {
                try {
                    run.run();
                } catch (RuntimeException | Error e) {
                    if (!taskFailures.answered(this, e)) {
                        throw e;
                    }
                }
            });
        }

        @Override
        public void addListener(AsyncListener listener) {
            SeesThisContext wrapper = new SeesThisContext(listener, request, applicationListeners);
            delegate.addListener(wrapper);
            applicationListeners.add(wrapper, null, null);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest supplied, ServletResponse response) {
            SeesThisContext wrapper = new SeesThisContext(listener, request, applicationListeners);
            delegate.addListener(wrapper, supplied, response);
            applicationListeners.add(wrapper, supplied, response);
        }

        /**
         * After the kit broke the connection of this cycle in its {@code ASYNC} dispatch on Jetty,
         * which then ends the request without a word to any listener: tells the application's
         * listeners of {@code failure} and of the end, as Tomcat does.
         */
        void abortedInDispatch(Throwable failure, String requestId) {
            abortedByKit = true;
            applicationListeners.tellOfAbortAfter(failure, delegate, requestId);
        }

        /**
         * After the kit broke the connection at a timeout or error on Jetty, which the listeners hear
         * from Jetty: tells them of the end, which Jetty will not.
         */
        void abortedAtFailure(String requestId) {
            abortedByKit = true;
            applicationListeners.tellOfAbortAtFailure(delegate, requestId);
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
    }
}
