package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the HTTP/2 stream of an answer that leaves the request body unread on Quarkus's fork of
 * Undertow, where nothing else would: Quarkus grants flow-control window for the rest of the body
 * and reads it to its end, however long. RFC 9113 (section 8.1) has a server that answers before
 * the request is complete send {@code RST_STREAM} with {@code NO_ERROR} once the response is
 * complete: the client stops sending and keeps the answer. So the response's body-end handler (the
 * exchange's {@code RoutingContext}, {@code addBodyEndHandler}, called by Vert.x as the response
 * ends, its last DATA queued first) sends a PING, and once the client acknowledges it, the stream is
 * reset with code 0 if the client has not ended its side of the stream by then (Netty's stream
 * state: Vert.x's {@code request().isEnded()} stays false for a GET whose end the fork never asked
 * Vert.x for); the connection and its other streams carry on. The PING's round trip is for curl
 * (7.88): a reset that came in the same read as the answer failed the transfer in about one try of
 * five ("Stream error in the HTTP/2 framing layer", the answer dropped); none in 40 once the reset
 * followed the client's next read. One PING at a time per connection, with a deadline (see {@link
 * PingGatedResets}): Vert.x keeps each pending PING's handler until it is acknowledged, for the
 * connection's life if it never is.
 *
 * <p>Not with Vert.x's {@code response().reset(0)}: Vert.x then tells the request nothing, and
 * Quarkus, which drains the unread body as the exchange ends, waits on a worker thread for body
 * bytes that will not come, until its read timeout (60 s). The reset is raised instead as a stream
 * error with {@code NO_ERROR} in Netty's HTTP/2 handler ({@code Http2ConnectionHandler.onError}
 * with {@code Http2Exception.streamError}, on the connection's event loop), which sends the same
 * {@code RST_STREAM} and through Vert.x fails the request's reads: the drain ends at once (an
 * {@code IOException} Undertow logs at DEBUG). Reached by reflection on public methods, as {@link
 * QuarkusConnection}: the filter jar needs no Quarkus, Vert.x or Netty classes.
 */
final class QuarkusStreamReset {
    private static final Logger LOG = LoggerFactory.getLogger(QuarkusStreamReset.class);
    private static final String VERTX_CONNECTION = "io.vertx.core.net.impl.ConnectionBase";
    private static final String NETTY_CONTEXT = "io.netty.channel.ChannelHandlerContext";
    private static final String NETTY_HTTP2_HANDLER = "io.netty.handler.codec.http2.Http2ConnectionHandler";
    private static final String NETTY_HTTP2_EXCEPTION = "io.netty.handler.codec.http2.Http2Exception";
    private static final String NETTY_HTTP2_ERROR = "io.netty.handler.codec.http2.Http2Error";
    private static final String VERTX_BUFFER = "io.vertx.core.buffer.Buffer";
    private static final String REASON = "the answer was sent before the request body was read; the rest is not needed";
    /** A PING's 8 bytes of data. */
    private static final byte[] PING_DATA = "palisade".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final MethodHandle ON_BODY_END;
    /** {@code (Runnable) -> void}: its {@code run()}. */
    private static final MethodHandle RUN;
    /**
     * Per Vert.x connection, its streams waiting for a PING's acknowledgement. Weak keys: a gate
     * reaches its connection only through weak references, so the entry goes with the connection.
     */
    private static final Map<Object, PingGatedResets> GATES = Collections.synchronizedMap(new WeakHashMap<>());

    static {
        try {
            ON_BODY_END = MethodHandles.lookup().findVirtual(QuarkusStreamReset.class, "onBodyEnd",
                    MethodType.methodType(void.class, Object.class, Object.class));
            RUN = MethodHandles.publicLookup().findVirtual(Runnable.class, "run", MethodType.methodType(void.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code (ServletRequest) -> RoutingContext}, as Object. */
    private final MethodHandle context;
    /** {@code (Object context) -> int}: {@code context.response().streamId()}. */
    private final MethodHandle streamId;
    /** {@code (Object context) -> Object}: Netty's {@code ChannelHandlerContext} of the request's connection. */
    private final MethodHandle channelContext;
    /** {@code (Object channelContext) -> ScheduledExecutorService}: its event loop. */
    private final MethodHandle eventLoop;
    /** {@code (Object channelContext) -> Object}: its handler, Netty's HTTP/2 connection handler. */
    private final MethodHandle handler;
    private final Class<?> http2Handler;
    /** {@code (int streamId) -> Throwable}: {@code Http2Exception.streamError(id, NO_ERROR, REASON)}. */
    private final MethodHandle streamError;
    /** {@code (Object handler, Object channelContext, boolean outbound, Throwable) -> void}: its {@code onError}. */
    private final MethodHandle onError;
    /**
     * {@code (Object handler, int streamId) -> boolean}: whether the client may still send on the
     * stream, {@code handler.connection().stream(id).state().remoteSideOpen()} ({@code false} for a
     * closed stream, which Netty forgets).
     */
    private final MethodHandle remoteOpen;
    /** {@code (Object context, Object handler) -> void}. */
    private final MethodHandle addBodyEndHandler;
    /** {@code (Object context) -> Object}: {@code context.request().connection()}, Vert.x's HTTP/2 connection. */
    private final MethodHandle vertxConnection;
    /** {@code (Object connection, Object pongHandler) -> void}: {@code connection.ping(PING_DATA, h)}. */
    private final MethodHandle ping;
    private final Class<?> handlerType;

    private QuarkusStreamReset(MethodHandle[] handles, Class<?> http2Handler, Class<?> handlerType) {
        this.context = handles[0];
        this.remoteOpen = handles[1];
        this.streamId = handles[2];
        this.channelContext = handles[3];
        this.eventLoop = handles[4];
        this.handler = handles[5];
        this.streamError = handles[6];
        this.onError = handles[7];
        this.addBodyEndHandler = handles[8];
        this.ping = handles[9];
        this.vertxConnection = handles[10];
        this.http2Handler = http2Handler;
        this.handlerType = handlerType;
    }

    /**
     * Through {@code loader}, which must see Quarkus's fork of Undertow ({@link QuarkusConnection#find}
     * found it there); {@code null}, with a WARN, where Vert.x's or Netty's classes are not usable.
     */
    static QuarkusStreamReset find(ClassLoader loader) {
        try {
            Class<?> vertxExchange = Class.forName(QuarkusConnection.VERTX_EXCHANGE, false, loader);
            Class<?> routingContext = Class.forName(QuarkusConnection.ROUTING_CONTEXT, false, loader);
            Class<?> handlerType = Class.forName(QuarkusConnection.VERTX_HANDLER, false, loader);
            Class<?> vertxConnection = Class.forName(VERTX_CONNECTION, false, loader);
            Class<?> channelContext = Class.forName(NETTY_CONTEXT, false, loader);
            Class<?> http2Handler = Class.forName(NETTY_HTTP2_HANDLER, false, loader);
            Class<?> http2Exception = Class.forName(NETTY_HTTP2_EXCEPTION, false, loader);
            Class<?> http2Error = Class.forName(NETTY_HTTP2_ERROR, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            // (ServletRequest) -> ((HttpServletRequestImpl) r).getExchange().getDelegate().getContext()
            MethodHandle context = MethodHandles.filterReturnValue(QuarkusConnection.exchangeOf(loader, vertxExchange),
                    lookup.findVirtual(vertxExchange, "getContext", MethodType.methodType(Object.class)));
            Method requestGetter = routingContext.getMethod("request");
            Method responseGetter = routingContext.getMethod("response");
            MethodHandle streamId = MethodHandles.filterReturnValue(lookup.unreflect(responseGetter),
                    lookup.findVirtual(responseGetter.getReturnType(), "streamId", MethodType.methodType(int.class)));
            Method connectionGetter = requestGetter.getReturnType().getMethod("connection");
            // context.request().connection(), Vert.x's ConnectionBase (as the fork takes it), .channelHandlerContext()
            MethodHandle connection = MethodHandles.filterReturnValue(lookup.unreflect(requestGetter),
                    lookup.unreflect(connectionGetter)).asType(MethodType.methodType(vertxConnection, routingContext));
            MethodHandle toChannelContext = MethodHandles.filterReturnValue(connection, lookup.findVirtual(vertxConnection,
                    "channelHandlerContext", MethodType.methodType(channelContext)));
            Method executorGetter = channelContext.getMethod("executor");
            Method handlerGetter = channelContext.getMethod("handler");
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object noError = Enum.valueOf((Class<? extends Enum>) http2Error.asSubclass(Enum.class), "NO_ERROR");
            MethodHandle streamError = MethodHandles.insertArguments(lookup.findStatic(http2Exception, "streamError",
                    MethodType.methodType(http2Exception, int.class, http2Error, String.class, Object[].class)),
                    1, noError, REASON, new Object[0]);
            MethodHandle onError = lookup.findVirtual(http2Handler, "onError",
                    MethodType.methodType(void.class, channelContext, boolean.class, Throwable.class));
            MethodHandle remoteOpen = remoteOpen(lookup, http2Handler);
            Class<?> buffer = Class.forName(VERTX_BUFFER, false, loader);
            MethodHandle pingData = MethodHandles.insertArguments(lookup.findStatic(buffer, "buffer",
                    MethodType.methodType(buffer, byte[].class)), 0, (Object) PING_DATA);
            // (connection, pongHandler) -> connection.ping(Buffer.buffer(PING_DATA), pongHandler)
            MethodHandle ping = MethodHandles.foldArguments(
                    lookup.unreflect(connectionGetter.getReturnType().getMethod("ping", buffer, handlerType)),
                    1, MethodHandles.dropArguments(pingData, 0, handlerType));
            MethodHandle httpConnection = MethodHandles.filterReturnValue(lookup.unreflect(requestGetter),
                    lookup.unreflect(connectionGetter));
            MethodHandle addBodyEndHandler = lookup.unreflect(routingContext.getMethod("addBodyEndHandler", handlerType));
            MethodHandle[] handles = {
                context.asType(MethodType.methodType(Object.class, ServletRequest.class)),
                remoteOpen.asType(MethodType.methodType(boolean.class, Object.class, int.class)),
                streamId.asType(MethodType.methodType(int.class, Object.class)),
                toChannelContext.asType(MethodType.methodType(Object.class, Object.class)),
                lookup.unreflect(executorGetter).asType(MethodType.methodType(ScheduledExecutorService.class, Object.class)),
                lookup.unreflect(handlerGetter).asType(MethodType.methodType(Object.class, Object.class)),
                streamError.asType(MethodType.methodType(Throwable.class, int.class)),
                onError.asType(MethodType.methodType(void.class, Object.class, Object.class, boolean.class, Throwable.class)),
                addBodyEndHandler.asType(MethodType.methodType(void.class, Object.class, Object.class)),
                ping.asType(MethodType.methodType(void.class, Object.class, Object.class)),
                httpConnection.asType(MethodType.methodType(Object.class, Object.class)),
            };
            return new QuarkusStreamReset(handles, http2Handler, handlerType);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | IllegalArgumentException
                | ClassCastException | LinkageError e) {
            LOG.warn("Vert.x's RoutingContext or Netty's HTTP/2 handler is not usable here: over HTTP/2 Quarkus will read "
                    + "the rest of a body its early answer left unread, however long: {}", e.toString());
            return null;
        }
    }

    /** {@code (Http2ConnectionHandler, int) -> boolean}: see {@link #remoteOpen}. */
    private static MethodHandle remoteOpen(MethodHandles.Lookup lookup, Class<?> http2Handler)
            throws NoSuchMethodException, IllegalAccessException {
        Method connectionGetter = http2Handler.getMethod("connection");
        Method streamGetter = connectionGetter.getReturnType().getMethod("stream", int.class);
        Method stateGetter = streamGetter.getReturnType().getMethod("state");
        Method remoteSideOpen = stateGetter.getReturnType().getMethod("remoteSideOpen");
        MethodHandle stream = MethodHandles.filterArguments(lookup.unreflect(streamGetter), 0,
                lookup.unreflect(connectionGetter));
        // A closed stream is null (Netty forgets it): then false.
        MethodHandle open = MethodHandles.filterReturnValue(lookup.unreflect(stateGetter), lookup.unreflect(remoteSideOpen));
        return MethodHandles.filterReturnValue(stream, MethodHandles.guardWithTest(
                nonNull(streamGetter.getReturnType()), open,
                MethodHandles.dropArguments(MethodHandles.constant(boolean.class, false), 0, streamGetter.getReturnType())));
    }

    private static MethodHandle nonNull(Class<?> type) throws NoSuchMethodException, IllegalAccessException {
        return MethodHandles.publicLookup().findStatic(java.util.Objects.class, "nonNull",
                MethodType.methodType(boolean.class, Object.class)).asType(MethodType.methodType(boolean.class, type));
    }

    /**
     * Asks for the stream of {@code request} to be reset with {@code NO_ERROR} as its response ends,
     * if the client has not ended its side of the stream by then. To be called before the answer is written.
     *
     * @return whether it was arranged; {@code false} where the request is not the fork's
     */
    boolean resetWhenResponseEnds(ServletRequest request) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        try {
            Object routing = context.invokeExact(container);
            // Handler.handle(Object event) -> this.onBodyEnd(routing, event)
            MethodHandle onEnd = MethodHandles.insertArguments(ON_BODY_END, 0, this, routing);
            addBodyEndHandler.invokeExact(routing, (Object) MethodHandleProxies.asInterfaceInstance(handlerType, onEnd));
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // The exchange's context is not a RoutingContext here: Quarkus reads the rest of the body.
            LOG.debug("Could not arrange the HTTP/2 stream's reset at the response's end", e);
            return false;
        }
    }

    /**
     * Called by Vert.x as the response ends, on the thread that ended it. The rest runs on the
     * connection's event loop, after the response's last DATA, queued there before it: a client still
     * sending has its stream reset once it has acknowledged a PING sent after the answer, or once the
     * PING is overdue (see {@link PingGatedResets}).
     */
    @SuppressWarnings("unused")
    private void onBodyEnd(Object routing, Object event) {
        try {
            Object channel = channelContext.invokeExact(routing);
            Object connectionHandler = handler.invokeExact(channel);
            if (!http2Handler.isInstance(connectionHandler)) {
                LOG.debug("Not Netty's HTTP/2 handler: {}; the stream is not reset", connectionHandler);
                return;
            }
            int id = (int) streamId.invokeExact(routing);
            Object connection = vertxConnection.invokeExact(routing);
            ScheduledExecutorService loop = (ScheduledExecutorService) eventLoop.invokeExact(channel);
            loop.execute(() -> answered(connection, connectionHandler, channel, loop, id));
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // The response is whole already; without the reset Quarkus reads the rest of the body.
            LOG.debug("Could not reset the HTTP/2 stream after its answer", e);
        }
    }

    /** On the event loop: unless the client has ended its side of the stream (a GET's at once), to the connection's gate. */
    private void answered(Object connection, Object connectionHandler, Object channel, ScheduledExecutorService loop,
            int id) {
        PingGatedResets gate = GATES.get(connection);
        if (gate == null) {
            Http2Connection http2 = new Http2Connection(connection, connectionHandler, channel, loop);
            if (!http2.remoteOpen(id)) {
                return;
            }
            gate = GATES.computeIfAbsent(connection, c -> new PingGatedResets(http2));
        }
        gate.answered(id);
    }

    /**
     * Vert.x's and Netty's side of one HTTP/2 connection, for its gate. Weakly held: the gate is a
     * value of {@link #GATES}, whose key, the connection, must stay collectable.
     */
    private final class Http2Connection implements PingGatedResets.Connection {
        private final WeakReference<Object> connection;
        private final WeakReference<Object> connectionHandler;
        private final WeakReference<Object> channel;
        private final ScheduledExecutorService loop;

        Http2Connection(Object connection, Object connectionHandler, Object channel, ScheduledExecutorService loop) {
            this.connection = new WeakReference<>(connection);
            this.connectionHandler = new WeakReference<>(connectionHandler);
            this.channel = new WeakReference<>(channel);
            this.loop = loop;
        }

        @Override
        public boolean remoteOpen(int stream) {
            Object h = connectionHandler.get();
            try {
                return h != null && (boolean) remoteOpen.invokeExact(h, stream);
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                LOG.debug("Could not read the HTTP/2 stream's state; taken as closed", e);
                return false;
            }
        }

        /**
         * The stream error, unless the client has ended its side of the stream since; then every
         * thread waiting on the connection is woken. Quarkus's exchange records the failure and
         * wakes a reader with {@code notify()} on the Vert.x connection, which every stream's
         * blocking read on that connection waits on: it woke one of them, often another stream's,
         * and the drain of this one waited out its read timeout (60 s; 31 of 40 workers left so in
         * a review's probe). Each woken reader looks at its own stream's state and waits again if
         * nothing came for it.
         */
        @Override
        public void reset(int stream) {
            Object h = connectionHandler.get();
            Object c = channel.get();
            try {
                if (h != null && c != null && (boolean) remoteOpen.invokeExact(h, stream)) {
                    onError.invokeExact(h, c, false, (Throwable) streamError.invokeExact(stream));
                    wakeReaders();
                }
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                LOG.debug("Could not reset the HTTP/2 stream after its answer", e);
            }
        }

        private void wakeReaders() {
            Object c = connection.get();
            if (c != null) {
                synchronized (c) {
                    c.notifyAll();
                }
            }
        }

        @Override
        public void ping(Runnable onAnswer) {
            Object c = connection.get();
            if (c == null) {
                return;
            }
            Runnable onLoop = () -> onLoop(onAnswer);
            // Handler<AsyncResult<Buffer>>.handle(result) -> onLoop.run(), whatever the result
            MethodHandle onPong = MethodHandles.dropArguments(RUN.bindTo(onLoop), 0, Object.class);
            try {
                ping.invokeExact(c, (Object) MethodHandleProxies.asInterfaceInstance(handlerType, onPong));
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // The gate's deadline resets the streams instead.
                LOG.debug("Could not send a PING before the HTTP/2 stream's reset", e);
            }
        }

        @Override
        public void schedule(Runnable task, long millis) {
            try {
                loop.schedule(task, millis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("The event loop is shutting down: no deadline for the PING", e);
            }
        }

        private void onLoop(Runnable task) {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.debug("The event loop is shutting down: the HTTP/2 streams are not reset", e);
            }
        }

        @Override
        public void idle() {
            Object c = connection.get();
            if (c != null) {
                GATES.remove(c);
            }
        }
    }
}
