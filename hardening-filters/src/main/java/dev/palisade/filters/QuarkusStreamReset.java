package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
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
 * <p>Not with Vert.x's {@code response().reset(0)}: the reset is raised as a stream error with
 * {@code NO_ERROR} (see {@link QuarkusHttp2Streams}), which fails the request's reads, so that
 * Quarkus's drain of the unread body ends at once (an {@code IOException} Undertow logs at DEBUG)
 * instead of holding a worker thread until its read timeout (60 s).
 */
final class QuarkusStreamReset {
    private static final Logger LOG = LoggerFactory.getLogger(QuarkusStreamReset.class);
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

    private final QuarkusHttp2Streams streams;
    /** {@code (Object context, Object handler) -> void}. */
    private final MethodHandle addBodyEndHandler;
    /** {@code (Object connection, Object pongHandler) -> void}: {@code connection.ping(PING_DATA, h)}. */
    private final MethodHandle ping;

    private QuarkusStreamReset(QuarkusHttp2Streams streams, MethodHandle addBodyEndHandler, MethodHandle ping) {
        this.streams = streams;
        this.addBodyEndHandler = addBodyEndHandler;
        this.ping = ping;
    }

    /**
     * Through {@code loader}, which must see Quarkus's fork of Undertow ({@link QuarkusConnection#find}
     * found it there); {@code null}, with a WARN, where Vert.x's or Netty's classes are not usable.
     */
    static QuarkusStreamReset find(ClassLoader loader) {
        try {
            QuarkusHttp2Streams streams = QuarkusHttp2Streams.find(loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> handlerType = streams.handlerType();
            Class<?> buffer = Class.forName(VERTX_BUFFER, false, loader);
            MethodHandle pingData = MethodHandles.insertArguments(lookup.findStatic(buffer, "buffer",
                    MethodType.methodType(buffer, byte[].class)), 0, (Object) PING_DATA);
            // (connection, pongHandler) -> connection.ping(Buffer.buffer(PING_DATA), pongHandler)
            MethodHandle ping = MethodHandles.foldArguments(
                    lookup.unreflect(streams.httpConnection().getMethod("ping", buffer, handlerType)),
                    1, MethodHandles.dropArguments(pingData, 0, handlerType));
            MethodHandle addBodyEndHandler = lookup.unreflect(
                    streams.routingContext().getMethod("addBodyEndHandler", handlerType));
            return new QuarkusStreamReset(streams,
                    addBodyEndHandler.asType(MethodType.methodType(void.class, Object.class, Object.class)),
                    ping.asType(MethodType.methodType(void.class, Object.class, Object.class)));
        } catch (ReflectiveOperationException | IllegalArgumentException | ClassCastException | LinkageError e) {
            LOG.warn("Vert.x's RoutingContext or Netty's HTTP/2 handler is not usable here: over HTTP/2 Quarkus will read "
                    + "the rest of a body its early answer left unread, however long: {}", e.toString());
            return null;
        }
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
            Object routing = streams.routing(container);
            // Handler.handle(Object event) -> this.onBodyEnd(routing, event)
            MethodHandle onEnd = MethodHandles.insertArguments(ON_BODY_END, 0, this, routing);
            addBodyEndHandler.invokeExact(routing,
                    (Object) MethodHandleProxies.asInterfaceInstance(streams.handlerType(), onEnd));
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
            QuarkusHttp2Streams.Stream stream = streams.stream(routing);
            if (stream == null) {
                LOG.debug("Not Netty's HTTP/2 handler; the stream is not reset");
                return;
            }
            stream.loop().execute(() -> answered(stream));
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // The response is whole already; without the reset Quarkus reads the rest of the body.
            LOG.debug("Could not reset the HTTP/2 stream after its answer", e);
        }
    }

    /** On the event loop: unless the client has ended its side of the stream (a GET's at once), to the connection's gate. */
    private void answered(QuarkusHttp2Streams.Stream stream) {
        PingGatedResets gate = GATES.get(stream.connection());
        if (gate == null) {
            Http2Connection http2 = new Http2Connection(stream);
            if (!http2.remoteOpen(stream.id())) {
                return;
            }
            gate = GATES.computeIfAbsent(stream.connection(), c -> new PingGatedResets(http2));
        }
        gate.answered(stream.id());
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

        Http2Connection(QuarkusHttp2Streams.Stream stream) {
            this.connection = new WeakReference<>(stream.connection());
            this.connectionHandler = new WeakReference<>(stream.handler());
            this.channel = new WeakReference<>(stream.channel());
            this.loop = stream.loop();
        }

        @Override
        public boolean remoteOpen(int stream) {
            Object h = connectionHandler.get();
            try {
                return h != null && streams.remoteOpen(h, stream);
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                LOG.debug("Could not read the HTTP/2 stream's state; taken as closed", e);
                return false;
            }
        }

        /**
         * The stream error, unless the client has ended its side of the stream since; then every
         * thread waiting on the connection is woken (see {@link QuarkusHttp2Streams}): a drain
         * woken by no one waited out its read timeout (60 s; 31 of 40 workers left so in a
         * review's probe).
         */
        @Override
        public void reset(int stream) {
            Object h = connectionHandler.get();
            Object c = channel.get();
            Object vertx = connection.get();
            try {
                if (h != null && c != null && streams.remoteOpen(h, stream)) {
                    streams.raise(vertx, h, c, stream, false, REASON);
                }
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                LOG.debug("Could not reset the HTTP/2 stream after its answer", e);
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
                ping.invokeExact(c, (Object) MethodHandleProxies.asInterfaceInstance(streams.handlerType(), onPong));
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // The gate's deadline resets the streams instead.
                LOG.debug("Could not send a PING before the HTTP/2 stream's reset", e);
            }
        }

        @Override
        public boolean schedule(Runnable task, long millis) {
            try {
                loop.schedule(task, millis, TimeUnit.MILLISECONDS);
                return true;
            } catch (RejectedExecutionException e) {
                LOG.debug("The event loop is shutting down: no PING or deadline scheduled", e);
                return false;
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
