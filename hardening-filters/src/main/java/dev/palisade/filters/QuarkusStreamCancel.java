package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets with {@code CANCEL} the HTTP/2 stream of a response that failed after it was committed on
 * Quarkus's fork of Undertow, so that the client does not take it for a complete one, and so that
 * Quarkus's reads of the request body fail: Quarkus drains an unread body as the exchange ends, and
 * after Vert.x's own {@code response().reset(8)}, which tells the request nothing, that drain held a
 * worker thread until its read timeout (60 s; 40 of 40 with forty such failures at once on one
 * connection, and one alone too). The reset is raised as a stream error with {@code CANCEL} on the
 * connection's event loop (see {@link QuarkusHttp2Streams}), which fails the request's reads (an
 * {@code IOException} Undertow logs at DEBUG) and wakes every reader of the connection.
 *
 * <p>Vert.x hands a stream error to the response's exception handler too, where Quarkus's exchange
 * closes itself with Vert.x's {@code response().reset()}, code 0, which would go out before Netty's
 * {@code CANCEL} and read as a complete response: so the response's exception handler is dropped
 * first, on the event loop, where no other event of the stream can come in between. Quarkus's
 * exchange loses nothing by it that a reset stream would give it: Vert.x still calls the response's
 * end handler as the stream closes, which ends the exchange's response side, as after Vert.x's own
 * reset.
 */
final class QuarkusStreamCancel {
    private static final Logger LOG = LoggerFactory.getLogger(QuarkusStreamCancel.class);
    private static final String REASON = "the response failed after it was committed";

    private final QuarkusHttp2Streams streams;
    /** {@code (Object context) -> void}: {@code context.response().exceptionHandler(null)}. */
    private final MethodHandle dropResponseExceptionHandler;

    private QuarkusStreamCancel(QuarkusHttp2Streams streams, MethodHandle dropResponseExceptionHandler) {
        this.streams = streams;
        this.dropResponseExceptionHandler = dropResponseExceptionHandler;
    }

    /**
     * Through {@code loader}, which must see Quarkus's fork of Undertow; {@code null} where Vert.x's or
     * Netty's classes are not usable (the caller falls back on Vert.x's own reset).
     */
    static QuarkusStreamCancel find(ClassLoader loader) {
        try {
            QuarkusHttp2Streams streams = QuarkusHttp2Streams.find(loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Method responseGetter = streams.routingContext().getMethod("response");
            Method exceptionHandler = responseGetter.getReturnType().getMethod("exceptionHandler", streams.handlerType());
            // (context) -> context.response().exceptionHandler(null), its return (the response) dropped
            MethodHandle drop = MethodHandles.filterReturnValue(lookup.unreflect(responseGetter),
                    MethodHandles.insertArguments(lookup.unreflect(exceptionHandler), 1, (Object) null));
            return new QuarkusStreamCancel(streams, drop.asType(MethodType.methodType(void.class, Object.class)));
        } catch (ReflectiveOperationException | IllegalArgumentException | ClassCastException | LinkageError e) {
            LOG.warn("Netty's HTTP/2 handler is not usable here: over HTTP/2 a response that fails after it was committed "
                    + "is reset with Vert.x's own reset, and Quarkus may hold a worker thread draining its unread body "
                    + "until its read timeout: {}", e.toString());
            return null;
        }
    }

    /**
     * Queues the reset of the stream of {@code container} (the fork's own request) on its connection's
     * event loop, unless the stream has closed by then. To be called once what the response holds has
     * been sent; Quarkus's clean end of the stream, asked for afterwards from another thread, is
     * queued behind it.
     *
     * @param fallback run on the event loop if the stream error could not be raised there (Vert.x's own reset)
     * @return whether it was queued; {@code false} where the request's connection is not Netty's
     *     HTTP/2 handler's, or not reachable
     */
    boolean cancel(ServletRequest container, Runnable fallback) {
        QuarkusHttp2Streams.Stream stream;
        Object routing;
        try {
            routing = streams.routing(container);
            stream = streams.stream(routing);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // The exchange's context is not a RoutingContext here: the caller's fallback instead.
            LOG.debug("Could not reach the HTTP/2 stream's Netty handler", e);
            return false;
        }
        if (stream == null) {
            return false;
        }
        try {
            stream.loop().execute(() -> onLoop(routing, stream, fallback));
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("The event loop is shutting down: the HTTP/2 stream is not reset", e);
            return false;
        }
    }

    private void onLoop(Object routing, QuarkusHttp2Streams.Stream stream, Runnable fallback) {
        try {
            if (!streams.open(stream.handler(), stream.id())) {
                // Closed already (the client's reset, or both ends done): nothing left to cancel.
                return;
            }
            dropResponseExceptionHandler.invokeExact(routing);
            streams.raise(stream.connection(), stream.handler(), stream.channel(), stream.id(), true, REASON);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            LOG.debug("Could not raise the HTTP/2 stream error; Vert.x's own reset instead", e);
            fallback.run();
        }
    }
}
