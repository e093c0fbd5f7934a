package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets the HTTP/2 stream of a request on Payara (Grizzly) with {@code RST_STREAM} (INTERNAL_ERROR),
 * leaving the connection and its other streams alone. Grizzly has no public method that resets one
 * stream: it sends {@code RST_STREAM} only for a stream whose incoming frames it finds wrong. So the
 * frame is built with Grizzly's own public frame builder ({@code RstStreamFrame.builder()}) and written
 * on the request's connection, whose filters pass a ready buffer through to the socket, after the
 * stream is terminated ({@code Http2Stream.terminateSilently()}): Grizzly then sends nothing more on
 * it, neither the clean end ({@code END_STREAM}) it would send when the request ends nor what is still
 * waiting for the client's flow-control window. Terminating alone sends nothing, and the client waits
 * for the stream until the connection's idle timeout. All of it is reached by reflection on public
 * methods, found once: the filter jar needs no Grizzly classes.
 */
final class GrizzlyStreamReset {
    private static final Logger LOG = LoggerFactory.getLogger(GrizzlyStreamReset.class);
    private static final String HTTP2 = "org.glassfish.grizzly.http2.";

    /** {@code (ServletRequest) -> Grizzly's HttpRequestPacket}. */
    private final MethodHandle requestPacket;
    /** {@code (ServletRequest) -> Grizzly's Connection}, the socket's. */
    private final MethodHandle connection;
    /** {@code (HttpRequestPacket) -> Http2Stream.getStreamFor(packet)}, {@code null} for a request over HTTP/1.x. */
    private final MethodHandle streamOf;
    private final MethodHandle streamId;
    private final MethodHandle terminate;
    /** {@code (int id) -> RstStreamFrame.builder().errorCode(INTERNAL_ERROR).streamId(id).build().toBuffer()}. */
    private final MethodHandle resetFrame;
    /** {@code (Connection, Buffer) -> connection.write(buffer)}. */
    private final MethodHandle write;

    private GrizzlyStreamReset(MethodHandle requestPacket, MethodHandle connection, MethodHandle streamOf,
            MethodHandle streamId, MethodHandle terminate, MethodHandle resetFrame, MethodHandle write) {
        this.requestPacket = requestPacket;
        this.connection = connection;
        this.streamOf = streamOf;
        this.streamId = streamId;
        this.terminate = terminate;
        this.resetFrame = resetFrame;
        this.write = write;
    }

    /**
     * The reset for requests reached through {@code grizzlyRequest}, {@code (Catalina's RequestFacade)
     * -> Grizzly's Request}; {@code null} where Grizzly's HTTP/2 classes are not as expected.
     */
    static GrizzlyStreamReset find(MethodHandle grizzlyRequest) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> requestType = grizzlyRequest.type().returnType();
            Method packetGetter = requestType.getMethod("getRequest");
            Method connectionGetter = requestType.getMethod("getConnection");
            ClassLoader grizzly = packetGetter.getReturnType().getClassLoader();
            Class<?> stream = Class.forName(HTTP2 + "Http2Stream", false, grizzly);
            Class<?> header = Class.forName("org.glassfish.grizzly.http.HttpHeader", false, grizzly);
            MethodType toObject = MethodType.methodType(Object.class, ServletRequest.class);
            return new GrizzlyStreamReset(
                    MethodHandles.filterReturnValue(grizzlyRequest, lookup.unreflect(packetGetter)).asType(toObject),
                    MethodHandles.filterReturnValue(grizzlyRequest, lookup.unreflect(connectionGetter)).asType(toObject),
                    lookup.unreflect(stream.getMethod("getStreamFor", header))
                            .asType(MethodType.methodType(Object.class, Object.class)),
                    lookup.unreflect(stream.getMethod("getId")).asType(MethodType.methodType(int.class, Object.class)),
                    lookup.unreflect(stream.getMethod("terminateSilently"))
                            .asType(MethodType.methodType(void.class, Object.class)),
                    resetFrame(lookup, grizzly),
                    lookup.unreflect(connectionGetter.getReturnType().getMethod("write", Object.class))
                            .asType(MethodType.methodType(void.class, Object.class, Object.class)));
        } catch (ClassNotFoundException | NoSuchMethodException | NoSuchFieldException | IllegalAccessException
                | LinkageError e) {
            LOG.debug("Grizzly's HTTP/2 stream and frame classes not usable", e);
            return null;
        }
    }

    private static MethodHandle resetFrame(MethodHandles.Lookup lookup, ClassLoader grizzly)
            throws ClassNotFoundException, NoSuchMethodException, NoSuchFieldException, IllegalAccessException {
        Class<?> frame = Class.forName(HTTP2 + "frames.RstStreamFrame", false, grizzly);
        Class<?> errorCode = Class.forName(HTTP2 + "frames.ErrorCode", false, grizzly);
        Method builderGetter = frame.getMethod("builder");
        Class<?> builder = builderGetter.getReturnType();
        Method withStreamId = builder.getMethod("streamId", int.class);
        Method build = withStreamId.getReturnType().getMethod("build");
        Method toBuffer = build.getReturnType().getMethod("toBuffer");
        // The server failed, not the client: INTERNAL_ERROR.
        MethodHandle internalError = MethodHandles.insertArguments(
                lookup.unreflect(builder.getMethod("errorCode", errorCode)), 1,
                errorCode.getField("INTERNAL_ERROR").get(null));
        MethodHandle newBuilder = MethodHandles.filterReturnValue(lookup.unreflect(builderGetter), internalError);
        MethodHandle built = MethodHandles.filterReturnValue(
                MethodHandles.collectArguments(lookup.unreflect(withStreamId), 0, newBuilder), lookup.unreflect(build));
        return MethodHandles.filterReturnValue(built, lookup.unreflect(toBuffer))
                .asType(MethodType.methodType(Object.class, int.class));
    }

    /**
     * Resets the stream of {@code request}, Catalina's request facade (unwrapped), once what it holds is
     * sent. Everything that can fail is done before the stream is terminated: a stream terminated but
     * not reset would leave the client waiting for the connection's idle timeout.
     *
     * @return whether the stream was taken over: reset, or terminated with its reset failing (logged
     *     here); {@code false} for a request that is not on an HTTP/2 stream, or that Grizzly does not
     *     know as its own (the stream then ends as Payara ends it)
     */
    boolean reset(ServletRequest request) {
        Object stream;
        Object frame;
        Object socket;
        try {
            stream = streamOf.invokeExact(requestPacket.invokeExact(request));
            if (stream == null) {
                return false;
            }
            frame = resetFrame.invokeExact((int) streamId.invokeExact(stream));
            socket = connection.invokeExact(request);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // Not Catalina's facade (an application's own request object), or a changed API.
            LOG.debug("Could not prepare the reset of the request's HTTP/2 stream", e);
            return false;
        }
        try {
            terminate.invokeExact(stream);
            write.invokeExact(socket, frame);
            return true;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("Could not reset the HTTP/2 stream of a failed response on Payara; the client waits for the "
                    + "connection's idle timeout", e);
            return true;
        }
    }
}
