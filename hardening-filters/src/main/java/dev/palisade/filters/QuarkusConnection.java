package dev.palisade.filters;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection of a request on Quarkus's fork of Undertow ({@code quarkus-undertow}, whose
 * {@code io.quarkus.http} core runs on Vert.x), reached by reflection on public methods: the filter
 * jar needs no Quarkus classes. The fork's {@code HttpServerExchange} has no {@code getConnection()};
 * its {@code getDelegate()} is Vert.x's exchange ({@code io.undertow.vertx.VertxHttpExchange}),
 * whose {@code close()} closes the connection over HTTP/1.x at once (a chunked body gets no last
 * chunk). Over HTTP/2 that {@code close()} resets the stream with NO_ERROR, which a client may take
 * for a complete response: the stream is reset with CANCEL instead, as a stream error in Netty's
 * HTTP/2 handler, which fails Quarkus's reads of the body too (see {@link QuarkusStreamCancel});
 * where that is not usable, through the exchange's context (Quarkus's {@code RoutingContext})
 * {@code response().reset(8)}, after which Quarkus's drain of an unread body waits out its read
 * timeout. ({@code HttpServerExchange.close()} is not used: it ends the response cleanly.)
 *
 * <p>Vert.x closes on its event loop, later: meanwhile Quarkus, told of the failure, ends the response
 * and its last chunk could still go out first. So over HTTP/1.x the connection is closed through the
 * context's {@code request().connection().close()}, whose future is awaited (bounded) when the
 * caller is not on the event loop itself.
 *
 * <p>An answer that leaves the body unread ends its response as its last byte is written (it has a
 * length), and Vert.x then starts on a request pipelined behind the body unless the close is queued
 * on the event loop first: so the close is asked for in the response's body-end handler (the
 * context's {@code addBodyEndHandler}), which Vert.x calls as the response ends, before it looks for
 * the next request. Vert.x hands that request to the application all the same (its keep-alive comes
 * from the request alone, and the channel closes later): it would run, though its answer can never
 * be sent, and a client retrying it would have it run twice. So the kit keeps the connections it
 * closed and the chain drops a request arriving on one unrun ({@link #dropsRequest}).
 */
final class QuarkusConnection {
    /** The fork's exchange on Vert.x; the kit takes its presence for the fork. */
    static final String VERTX_EXCHANGE = "io.undertow.vertx.VertxHttpExchange";
    private static final Logger LOG = LoggerFactory.getLogger(QuarkusConnection.class);
    private static final String UNDERTOW_REQUEST = "io.undertow.servlet.spec.HttpServletRequestImpl";
    static final String ROUTING_CONTEXT = "io.vertx.ext.web.RoutingContext";
    static final String VERTX_HANDLER = "io.vertx.core.Handler";
    /** How long a close is awaited: the event loop does it at once unless it is stuck. */
    private static final long CLOSE_WAIT_MILLIS = 1000;
    /** HTTP/2's CANCEL: the stream is no longer needed, and what was sent of it is not the whole. */
    private static final long CANCEL = 8;
    /**
     * Vert.x's HTTP/1.x connections the kit closed or asked to close; weak keys: as long as Vert.x
     * keeps one. Striped by identity, so that the lookup every filter makes on Quarkus (once the kit
     * has closed a connection) does not go through one lock for every request thread.
     */
    private static final List<Map<Object, Boolean>> CLOSED_BY_KIT = IntStream.range(0, 16)
            .mapToObj(stripe -> Collections.synchronizedMap(new WeakHashMap<Object, Boolean>())).toList();
    /** The fork's connection finder that marked one closed; {@code null} until then (anywhere but Quarkus, for ever). */
    private static volatile QuarkusConnection marking;

    /** {@code (ServletRequest) -> void}: the Vert.x exchange's close. */
    private final MethodHandle close;
    /** The HTTP/2 stream's reset with CANCEL as a stream error; {@code null} if not usable. */
    private final QuarkusStreamCancel cancel;
    /** {@code (ServletRequest) -> boolean}: Vert.x's reset of the HTTP/2 stream with CANCEL; {@code null} if not usable. */
    private final MethodHandle reset;
    /** {@code (ServletRequest) -> CompletionStage}: the connection's close, to be awaited; {@code null} if not usable. */
    private final MethodHandle awaitableClose;
    /** {@code (ServletRequest) -> boolean}: whether the caller is on the exchange's event loop. */
    private final MethodHandle inIoThread;
    /** Asks for the connection's close as the response ends; {@code null} if not usable. */
    private final CloseAtEnd closeAtEnd;

    private QuarkusConnection(MethodHandle close, QuarkusStreamCancel cancel, MethodHandle reset,
            MethodHandle awaitableClose, MethodHandle inIoThread, CloseAtEnd closeAtEnd) {
        this.close = close;
        this.cancel = cancel;
        this.reset = reset;
        this.awaitableClose = awaitableClose;
        this.inIoThread = inIoThread;
        this.closeAtEnd = closeAtEnd;
    }

    /**
     * Whether {@code request} is a {@code REQUEST} dispatch that Vert.x started on a connection the
     * kit closed (a request pipelined behind an answer that closed it), which a filter is to drop
     * unrun: its answer could never be sent. A volatile read anywhere the kit never closed a
     * Quarkus connection.
     */
    static boolean dropsRequest(ServletRequest request) {
        QuarkusConnection finder = marking;
        if (finder == null || request.getDispatcherType() != DispatcherType.REQUEST || finder.closeAtEnd == null) {
            return false;
        }
        Object connection = finder.closeAtEnd.connectionOf(ContainerRequests.unwrapped(request));
        if (connection == null || !closedByKit(connection).containsKey(connection)) {
            return false;
        }
        if (request instanceof HttpServletRequest http) {
            LOG.debug("Dropped a request Vert.x started on a connection closed after the previous answer: {} {}",
                    LogSafe.escape(http.getMethod()), Redactor.redact(http.getRequestURI()));
        }
        return true;
    }

    private static Map<Object, Boolean> closedByKit(Object connection) {
        return CLOSED_BY_KIT.get(System.identityHashCode(connection) & (CLOSED_BY_KIT.size() - 1));
    }

    private void markClosed(ServletRequest container) {
        if (closeAtEnd == null) {
            return;
        }
        Object connection = closeAtEnd.connectionOf(container);
        if (connection != null) {
            closedByKit(connection).put(connection, Boolean.TRUE);
            marking = this;
        }
    }

    /** Quarkus's connection, through {@code loader}; {@code null} if that is not Quarkus's fork of Undertow. */
    static QuarkusConnection find(ClassLoader loader) {
        MethodHandle exchange;
        MethodHandle close;
        MethodHandle inIoThread;
        Class<?> vertxExchange;
        try {
            vertxExchange = Class.forName(VERTX_EXCHANGE, false, loader);
            exchange = exchangeOf(loader, vertxExchange);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            close = MethodHandles.filterReturnValue(exchange,
                    lookup.findVirtual(vertxExchange, "close", MethodType.methodType(void.class)));
            inIoThread = MethodHandles.filterReturnValue(exchange,
                    lookup.findVirtual(vertxExchange, "isInIoThread", MethodType.methodType(boolean.class)));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", VERTX_EXCHANGE, loader, e);
            return null;
        }
        return new QuarkusConnection(close, QuarkusStreamCancel.find(loader), streamReset(loader, vertxExchange, exchange),
                awaitableClose(loader, vertxExchange, exchange), inIoThread, CloseAtEnd.find(loader, vertxExchange, exchange));
    }

    /**
     * {@code (ServletRequest) -> (VertxHttpExchange) ((HttpServletRequestImpl) r).getExchange().getDelegate()},
     * {@code vertxExchange} being the fork's exchange class as {@code loader} sees it.
     */
    static MethodHandle exchangeOf(ClassLoader loader, Class<?> vertxExchange)
            throws ClassNotFoundException, NoSuchMethodException, IllegalAccessException {
        Class<?> request = Class.forName(UNDERTOW_REQUEST, false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Method exchangeGetter = request.getMethod("getExchange");
        Method delegateGetter = exchangeGetter.getReturnType().getMethod("getDelegate");
        return MethodHandles.filterReturnValue(lookup.unreflect(exchangeGetter), lookup.unreflect(delegateGetter))
                .asType(MethodType.methodType(vertxExchange, ServletRequest.class));
    }

    /**
     * {@code (ServletRequest) -> ((RoutingContext) exchange.getContext()).request().connection().close()
     * .toCompletionStage()}, or {@code null}.
     */
    private static MethodHandle awaitableClose(ClassLoader loader, Class<?> vertxExchange, MethodHandle exchange) {
        try {
            Class<?> routingContext = Class.forName(ROUTING_CONTEXT, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle handle = lookup.findVirtual(vertxExchange, "getContext", MethodType.methodType(Object.class))
                    .asType(MethodType.methodType(routingContext, vertxExchange));
            for (String getter : new String[] {"request", "connection", "close", "toCompletionStage"}) {
                Method method = handle.type().returnType().getMethod(getter);
                handle = MethodHandles.filterReturnValue(handle, lookup.unreflect(method));
            }
            return MethodHandles.filterReturnValue(exchange, handle)
                    .asType(MethodType.methodType(CompletionStage.class, ServletRequest.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError
                | ClassCastException e) {
            LOG.warn("Vert.x's HttpConnection.close() is not usable here: a response that fails after it was committed "
                    + "may still get its last chunk out before the connection closes: {}", e.toString());
            return null;
        }
    }

    /** {@code (ServletRequest) -> ((RoutingContext) exchange.getContext()).response().reset(CANCEL)}, or {@code null}. */
    private static MethodHandle streamReset(ClassLoader loader, Class<?> vertxExchange, MethodHandle exchange) {
        try {
            Class<?> routingContext = Class.forName(ROUTING_CONTEXT, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle context = lookup.findVirtual(vertxExchange, "getContext", MethodType.methodType(Object.class))
                    .asType(MethodType.methodType(routingContext, vertxExchange));
            Method responseGetter = routingContext.getMethod("response");
            MethodHandle reset = MethodHandles.insertArguments(lookup.findVirtual(responseGetter.getReturnType(),
                    "reset", MethodType.methodType(boolean.class, long.class)), 1, CANCEL);
            MethodHandle response = MethodHandles.filterReturnValue(context, lookup.unreflect(responseGetter));
            return MethodHandles.filterReturnValue(MethodHandles.filterReturnValue(exchange, response), reset);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.warn("Vert.x's RoutingContext is not usable here: over HTTP/2 a response that fails after it was "
                    + "committed will be reset with NO_ERROR, which a client may take for a complete one: {}", e.toString());
            return null;
        }
    }

    /**
     * Asks Vert.x to close the connection of {@code request} (HTTP/1.x) as its response ends, before
     * it starts on a request pipelined behind this one. To be called before the answer is written.
     *
     * @return whether the close was arranged; {@code false} where the context is not usable
     */
    boolean closeWhenResponseEnds(ServletRequest request) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        if (closeAtEnd == null || !closeAtEnd.arrange(container)) {
            return false;
        }
        markClosed(container);
        return true;
    }

    /**
     * Closes the connection of {@code request} at once, without ending its response; over HTTP/2,
     * resets its stream with CANCEL (the connection and its other streams carry on).
     *
     * @return whether it was closed; {@code false} for a request that is not the fork's, or a changed API
     */
    boolean close(ServletRequest request, boolean http2, Throwable failure) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        if (http2) {
            return cancel != null && cancel.cancel(container, () -> resetByVertx(container, null))
                    || resetByVertx(container, failure);
        }
        // Before the close: Vert.x may start on a pipelined request as soon as Quarkus ends this one.
        markClosed(container);
        if (awaitableClose != null && closedAndAwaited(container, failure)) {
            return true;
        }
        return closeExchange(container, failure);
    }

    /**
     * Resets the HTTP/2 stream with CANCEL through Vert.x, else closes Vert.x's exchange (which resets
     * it with NO_ERROR); {@code failure}, if any, keeps what went wrong.
     */
    private boolean resetByVertx(ServletRequest container, Throwable failure) {
        if (reset != null) {
            try {
                if ((boolean) reset.invokeExact(container)) {
                    return true;
                }
                LOG.debug("Vert.x did not reset the stream (ended already); closing the exchange");
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // The exchange's context is not a RoutingContext here: Vert.x's own close still ends the stream.
                suppress(failure, e);
                LOG.debug("Could not reset the HTTP/2 stream with CANCEL; closing the exchange", e);
            }
        }
        return closeExchange(container, failure);
    }

    /** Vert.x's exchange's close; {@code failure}, if any, keeps what went wrong. */
    private boolean closeExchange(ServletRequest container, Throwable failure) {
        try {
            close.invokeExact(container);
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            suppress(failure, e);
            LOG.debug("Could not close the Vert.x exchange", e);
            return false;
        }
    }

    private static void suppress(Throwable failure, Throwable e) {
        if (failure != null) {
            failure.addSuppressed(e);
        }
    }

    /** Closes the connection and, off the event loop, waits (bounded) until Vert.x has closed it. */
    private boolean closedAndAwaited(ServletRequest container, Throwable failure) {
        try {
            boolean onEventLoop = (boolean) inIoThread.invokeExact(container);
            CompletionStage<?> closed = (CompletionStage<?>) awaitableClose.invokeExact(container);
            if (!onEventLoop) {
                closed.toCompletableFuture().get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            // Asked to close already: what remains is how soon, which the response's end may win.
            failure.addSuppressed(e);
            LOG.debug("Vert.x did not confirm the close in time", e);
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // The exchange's context is not a RoutingContext here: the exchange's own close instead.
            failure.addSuppressed(e);
            LOG.debug("Could not close the connection through the RoutingContext", e);
            return false;
        }
    }

    /**
     * Whether the caller is on the Vert.x event loop of {@code request}'s connection, where Quarkus
     * calls a {@code ReadListener} and where no blocking write may be done (Undertow's
     * {@code UT000126}); {@code false} for a request that is not the fork's.
     */
    boolean onEventLoop(ServletRequest request) {
        try {
            return (boolean) inIoThread.invokeExact(ContainerRequests.unwrapped(request));
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // An application's own request object, or a changed API: taken for a thread that may block.
            LOG.debug("Could not tell whether this is the Vert.x event loop", e);
            return false;
        }
    }

    /**
     * {@code ((RoutingContext) exchange.getContext()).addBodyEndHandler(v -> connection.close())}, the
     * connection being that context's {@code request().connection()}.
     */
    private static final class CloseAtEnd {
        /** {@code (ServletRequest) -> RoutingContext}, as Object. */
        private final MethodHandle context;
        /** {@code (Object context) -> HttpConnection}, as Object. */
        private final MethodHandle connection;
        /** {@code (Object connection) -> void}: its close, the returned future dropped. */
        private final MethodHandle closeConnection;
        /** {@code (Object context, Object handler) -> void}. */
        private final MethodHandle addBodyEndHandler;
        private final Class<?> handlerType;

        private CloseAtEnd(MethodHandle context, MethodHandle connection, MethodHandle closeConnection,
                MethodHandle addBodyEndHandler, Class<?> handlerType) {
            this.context = context;
            this.connection = connection;
            this.closeConnection = closeConnection;
            this.addBodyEndHandler = addBodyEndHandler;
            this.handlerType = handlerType;
        }

        static CloseAtEnd find(ClassLoader loader, Class<?> vertxExchange, MethodHandle exchange) {
            try {
                Class<?> routingContext = Class.forName(ROUTING_CONTEXT, false, loader);
                Class<?> handlerType = Class.forName(VERTX_HANDLER, false, loader);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle context = MethodHandles.filterReturnValue(exchange,
                        lookup.findVirtual(vertxExchange, "getContext", MethodType.methodType(Object.class)));
                Method requestGetter = routingContext.getMethod("request");
                Method connectionGetter = requestGetter.getReturnType().getMethod("connection");
                MethodHandle connection = MethodHandles.filterReturnValue(lookup.unreflect(requestGetter),
                        lookup.unreflect(connectionGetter));
                Method connectionClose = connectionGetter.getReturnType().getMethod("close");
                MethodHandle addBodyEndHandler = lookup.unreflect(routingContext.getMethod("addBodyEndHandler", handlerType));
                return new CloseAtEnd(context.asType(MethodType.methodType(Object.class, ServletRequest.class)),
                        connection.asType(MethodType.methodType(Object.class, Object.class)),
                        lookup.unreflect(connectionClose).asType(MethodType.methodType(void.class, Object.class)),
                        addBodyEndHandler.asType(MethodType.methodType(void.class, Object.class, Object.class)),
                        handlerType);
            } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
                LOG.warn("Vert.x's RoutingContext.addBodyEndHandler is not usable here: a request pipelined behind a body "
                        + "left unread may be served after the answer that closes the connection: {}", e.toString());
                return null;
            }
        }

        /** The Vert.x connection of {@code container}, or {@code null} where its context is not Vert.x Web's. */
        Object connectionOf(ServletRequest container) {
            try {
                return connection.invokeExact(context.invokeExact(container));
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                LOG.debug("No Vert.x connection for this request", e);
                return null;
            }
        }

        boolean arrange(ServletRequest container) {
            try {
                Object routing = context.invokeExact(container);
                Object connectionOfRequest = connection.invokeExact(routing);
                // Handler.handle(Object): the body-end event (null) dropped, the close's future too.
                MethodHandle onEnd = MethodHandles.dropArguments(closeConnection.bindTo(connectionOfRequest), 0, Object.class);
                addBodyEndHandler.invokeExact(routing, (Object) MethodHandleProxies.asInterfaceInstance(handlerType, onEnd));
                return true;
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // The exchange's context is not a RoutingContext here: closed after the answer instead.
                LOG.debug("Could not arrange the connection's close at the response's end", e);
                return false;
            }
        }
    }
}
