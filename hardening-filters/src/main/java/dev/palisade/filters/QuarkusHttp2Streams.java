package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Netty's and Vert.x's side of a request's HTTP/2 stream on Quarkus's fork of Undertow, and the
 * stream error that ends a stream so that Quarkus's blocked reads of it fail. Shared by {@link
 * QuarkusStreamReset} ({@code NO_ERROR} after an early answer) and {@link QuarkusStreamCancel}
 * ({@code CANCEL} after a failure past the commit).
 *
 * <p>Why a stream error and not Vert.x's {@code response().reset(code)}: Vert.x's own reset closes the
 * stream and tells the request nothing (its response's end handler only, if the response had not
 * ended), and Quarkus, which drains an unread body as the exchange ends, waits on a worker thread for
 * body bytes that will not come, until its read timeout (60 s). A stream error raised in Netty's
 * HTTP/2 handler ({@code Http2ConnectionHandler.onError} with {@code Http2Exception.streamError}, on
 * the connection's event loop) is handed by Vert.x to the request's exception handler first, where
 * Quarkus records the read's failure, and then sends the same {@code RST_STREAM}. Quarkus wakes a
 * reader with {@code notify()} on the Vert.x connection, which the blocking reads of all the
 * connection's streams wait on, so it may wake another stream's: {@link #wakeReaders} wakes them all.
 * Reached by reflection on public methods, as {@link QuarkusConnection}: the filter jar needs no
 * Quarkus, Vert.x or Netty classes.
 */
final class QuarkusHttp2Streams {
    private static final String VERTX_CONNECTION = "io.vertx.core.net.impl.ConnectionBase";
    private static final String NETTY_CONTEXT = "io.netty.channel.ChannelHandlerContext";
    private static final String NETTY_HTTP2_HANDLER = "io.netty.handler.codec.http2.Http2ConnectionHandler";
    private static final String NETTY_HTTP2_EXCEPTION = "io.netty.handler.codec.http2.Http2Exception";
    private static final String NETTY_HTTP2_ERROR = "io.netty.handler.codec.http2.Http2Error";

    /** One request's stream: its Vert.x connection, Netty's HTTP/2 handler and channel context, its event loop, its id. */
    record Stream(Object connection, Object handler, Object channel, ScheduledExecutorService loop, int id) {
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
    /** {@code (int streamId, String reason) -> Throwable}: {@code Http2Exception.streamError(id, NO_ERROR, reason)}. */
    private final MethodHandle noError;
    /** {@code (int streamId, String reason) -> Throwable}: {@code Http2Exception.streamError(id, CANCEL, reason)}. */
    private final MethodHandle cancel;
    /** {@code (Object handler, Object channelContext, boolean outbound, Throwable) -> void}: its {@code onError}. */
    private final MethodHandle onError;
    /** {@code (Object handler, int streamId) -> Object}: {@code handler.connection().stream(id)}, {@code null} once closed. */
    private final MethodHandle nettyStream;
    /** {@code (Object nettyStream) -> boolean}: {@code stream.state().remoteSideOpen()}. */
    private final MethodHandle remoteSideOpen;
    /** {@code (Object context) -> Object}: {@code context.request().connection()}, Vert.x's HTTP/2 connection. */
    private final MethodHandle vertxConnection;
    /** Vert.x's {@code RoutingContext}, {@code HttpConnection} and {@code Handler}, as {@code loader} sees them. */
    private final Class<?> routingContext;
    private final Class<?> httpConnection;
    private final Class<?> handlerType;

    private QuarkusHttp2Streams(MethodHandle[] handles, Class<?>[] types) {
        this.context = handles[0];
        this.streamId = handles[1];
        this.channelContext = handles[2];
        this.eventLoop = handles[3];
        this.handler = handles[4];
        this.noError = handles[5];
        this.cancel = handles[6];
        this.onError = handles[7];
        this.nettyStream = handles[8];
        this.remoteSideOpen = handles[9];
        this.vertxConnection = handles[10];
        this.http2Handler = types[0];
        this.routingContext = types[1];
        this.httpConnection = types[2];
        this.handlerType = types[3];
    }

    /**
     * Through {@code loader}, which must see Quarkus's fork of Undertow ({@link QuarkusConnection#find}
     * found it there).
     *
     * @throws ReflectiveOperationException where Vert.x's or Netty's classes are not usable (the caller says what is lost)
     */
    static QuarkusHttp2Streams find(ClassLoader loader) throws ReflectiveOperationException {
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
            MethodHandle httpConnection = MethodHandles.filterReturnValue(lookup.unreflect(requestGetter),
                    lookup.unreflect(connectionGetter));
            // context.request().connection(), Vert.x's ConnectionBase (as the fork takes it), .channelHandlerContext()
            MethodHandle toChannelContext = MethodHandles.filterReturnValue(
                    httpConnection.asType(MethodType.methodType(vertxConnection, routingContext)),
                    lookup.findVirtual(vertxConnection, "channelHandlerContext", MethodType.methodType(channelContext)));
            MethodHandle streamError = lookup.findStatic(http2Exception, "streamError",
                    MethodType.methodType(http2Exception, int.class, http2Error, String.class, Object[].class));
            MethodHandle onError = lookup.findVirtual(http2Handler, "onError",
                    MethodType.methodType(void.class, channelContext, boolean.class, Throwable.class));
            Method handlerConnection = http2Handler.getMethod("connection");
            Method streamGetter = handlerConnection.getReturnType().getMethod("stream", int.class);
            Method stateGetter = streamGetter.getReturnType().getMethod("state");
            MethodHandle nettyStream = MethodHandles.filterArguments(lookup.unreflect(streamGetter), 0,
                    lookup.unreflect(handlerConnection));
            MethodHandle remoteSideOpen = MethodHandles.filterReturnValue(lookup.unreflect(stateGetter),
                    lookup.unreflect(stateGetter.getReturnType().getMethod("remoteSideOpen")));
            MethodHandle[] handles = {
                context.asType(MethodType.methodType(Object.class, ServletRequest.class)),
                streamId.asType(MethodType.methodType(int.class, Object.class)),
                toChannelContext.asType(MethodType.methodType(Object.class, Object.class)),
                lookup.unreflect(channelContext.getMethod("executor"))
                        .asType(MethodType.methodType(ScheduledExecutorService.class, Object.class)),
                lookup.unreflect(channelContext.getMethod("handler")).asType(MethodType.methodType(Object.class, Object.class)),
                streamError(streamError, http2Error, "NO_ERROR"),
                streamError(streamError, http2Error, "CANCEL"),
                onError.asType(MethodType.methodType(void.class, Object.class, Object.class, boolean.class, Throwable.class)),
                nettyStream.asType(MethodType.methodType(Object.class, Object.class, int.class)),
                remoteSideOpen.asType(MethodType.methodType(boolean.class, Object.class)),
                httpConnection.asType(MethodType.methodType(Object.class, Object.class)),
            };
            return new QuarkusHttp2Streams(handles,
                    new Class<?>[] {http2Handler, routingContext, connectionGetter.getReturnType(), handlerType});
        } catch (IllegalArgumentException | ClassCastException | LinkageError e) {
            throw new ReflectiveOperationException(e.toString(), e);
        }
    }

    /** {@code (int streamId, String reason) -> Throwable}: {@code Http2Exception.streamError(id, error, reason)}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static MethodHandle streamError(MethodHandle streamError, Class<?> http2Error, String error) {
        Object code = Enum.valueOf((Class<? extends Enum>) http2Error.asSubclass(Enum.class), error);
        return MethodHandles.insertArguments(MethodHandles.insertArguments(streamError, 3, (Object) new Object[0]), 1, code)
                .asType(MethodType.methodType(Throwable.class, int.class, String.class));
    }

    /** Vert.x's {@code RoutingContext}, as the fork's loader sees it. */
    Class<?> routingContext() {
        return routingContext;
    }

    /** Vert.x's {@code HttpConnection}, as the fork's loader sees it. */
    Class<?> httpConnection() {
        return httpConnection;
    }

    /** Vert.x's {@code Handler}, as the fork's loader sees it. */
    Class<?> handlerType() {
        return handlerType;
    }

    /** The exchange's {@code RoutingContext} of the fork's {@code container} request; throws for another request. */
    Object routing(ServletRequest container) throws Throwable {
        return context.invokeExact(container);
    }

    /** Vert.x's connection of {@code routing}'s request, which the exchange's blocking reads wait on. */
    Object connection(Object routing) throws Throwable {
        return vertxConnection.invokeExact(routing);
    }

    /** The stream of {@code routing}'s request; {@code null} where the connection is not Netty's HTTP/2 handler's. */
    Stream stream(Object routing) throws Throwable {
        Object channel = channelContext.invokeExact(routing);
        Object connectionHandler = handler.invokeExact(channel);
        if (!http2Handler.isInstance(connectionHandler)) {
            return null;
        }
        int id = (int) streamId.invokeExact(routing);
        Object connection = vertxConnection.invokeExact(routing);
        ScheduledExecutorService loop = (ScheduledExecutorService) eventLoop.invokeExact(channel);
        return new Stream(connection, connectionHandler, channel, loop, id);
    }

    /** On the event loop: whether Netty still has the stream (it forgets a closed one). */
    boolean open(Object connectionHandler, int id) throws Throwable {
        return nettyStream.invokeExact(connectionHandler, id) != null;
    }

    /** On the event loop: whether the client may still send on the stream ({@code false} for a closed one). */
    boolean remoteOpen(Object connectionHandler, int id) throws Throwable {
        Object stream = nettyStream.invokeExact(connectionHandler, id);
        return stream != null && (boolean) remoteSideOpen.invokeExact(stream);
    }

    /**
     * On the event loop: raises a stream error on stream {@code id}, with {@code CANCEL} or else
     * {@code NO_ERROR}, then wakes every reader waiting on the Vert.x {@code connection}.
     */
    void raise(Object connection, Object connectionHandler, Object channel, int id, boolean cancelled, String reason)
            throws Throwable {
        Throwable error = cancelled ? (Throwable) cancel.invokeExact(id, reason) : (Throwable) noError.invokeExact(id, reason);
        onError.invokeExact(connectionHandler, channel, false, error);
        wakeReaders(connection);
    }

    /**
     * Wakes every thread waiting on the Vert.x {@code connection}: each woken reader looks at its own
     * stream's state and waits again if nothing came for it.
     */
    static void wakeReaders(Object connection) {
        if (connection != null) {
            synchronized (connection) {
                connection.notifyAll();
            }
        }
    }
}
