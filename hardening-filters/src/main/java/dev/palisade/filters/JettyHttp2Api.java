package dev.palisade.filters;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.EventListener;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public Jetty 12.1 methods {@link JettyStreamReset} and {@link JettyPingGate} call, found by
 * reflection: the filter jar needs no Jetty classes. Each is declared by a public class or interface
 * (the objects themselves are often of Jetty's internal classes, which cannot be called through).
 */
final class JettyHttp2Api {
    private static final Logger LOG = LoggerFactory.getLogger(JettyHttp2Api.class);
    /** Weak: a redeployed application's loader must not stay reachable from here. */
    private static final Set<ClassLoader> UNUSABLE_HTTP2_WARNED = Collections.newSetFromMap(
            Collections.synchronizedMap(new WeakHashMap<>()));

    private final Class<?> httpStream;
    private final Throwable contentNotConsumed;
    private final Method failed;
    private final Method succeeded;
    private final Method getId;
    private final Method addHttpStreamWrapper;
    private final Method getConnectionMetaData;
    private final Method getConnection;
    private final Method getComponents;
    private final Method getScheduler;
    private final Method schedule;
    /** {@code null} where Jetty's HTTP/2 classes are not here: the reset then comes at once. */
    private final Http2 http2;

    /** Jetty's HTTP/2 side. */
    private record Http2(Class<?> connection, Method getSession, Method getStream, Method isRemotelyClosed,
            Method isClosed, Method addEventListener, Method removeEventListener, Method ping,
            Constructor<?> pingFrame, Object noopCallback, Class<?> pingFrameType, Method isReply,
            Method payload, Class<?> frameListener, Class<?> connectionListener, Method addConnectionListener) {
    }

    private JettyHttp2Api(ClassLoader loader) throws ReflectiveOperationException {
        httpStream = Class.forName("org.eclipse.jetty.server.HttpStream", false, loader);
        contentNotConsumed = (Throwable) httpStream.getField("CONTENT_NOT_CONSUMED").get(null);
        failed = httpStream.getMethod("failed", Throwable.class);
        succeeded = httpStream.getMethod("succeeded");
        getId = httpStream.getMethod("getId");
        Class<?> request = Class.forName("org.eclipse.jetty.server.Request", false, loader);
        addHttpStreamWrapper = request.getMethod("addHttpStreamWrapper", Function.class);
        getConnectionMetaData = request.getMethod("getConnectionMetaData");
        getConnection = getConnectionMetaData.getReturnType().getMethod("getConnection");
        getComponents = request.getMethod("getComponents");
        getScheduler = getComponents.getReturnType().getMethod("getScheduler");
        schedule = getScheduler.getReturnType().getMethod("schedule", Runnable.class, long.class, TimeUnit.class);
        http2 = http2(loader);
    }

    private static Http2 http2(ClassLoader loader) {
        Class<?> connection;
        try {
            connection = Class.forName("org.eclipse.jetty.http2.HTTP2Connection", false, loader);
        } catch (ClassNotFoundException e) {
            LOG.debug("No Jetty HTTP/2 classes from {} ({}): early answers' streams are reset at once", loader, e.toString());
            return null;
        } catch (LinkageError e) {
            return unusable(loader, e);
        }
        try {
            Method getSession = connection.getMethod("getSession");
            Class<?> session = getSession.getReturnType();
            Class<?> stream = Class.forName("org.eclipse.jetty.http2.api.Stream", false, loader);
            Class<?> apiSession = Class.forName("org.eclipse.jetty.http2.api.Session", false, loader);
            Class<?> pingFrame = Class.forName("org.eclipse.jetty.http2.frames.PingFrame", false, loader);
            Class<?> callback = Class.forName("org.eclipse.jetty.util.Callback", false, loader);
            Class<?> frameListener = Class.forName("org.eclipse.jetty.http2.HTTP2Session$FrameListener", false, loader);
            Class<?> ioConnection = Class.forName("org.eclipse.jetty.io.Connection", false, loader);
            Class<?> connectionListener = Class.forName("org.eclipse.jetty.io.Connection$Listener", false, loader);
            return new Http2(connection, getSession, session.getMethod("getStream", int.class),
                    stream.getMethod("isRemotelyClosed"), stream.getMethod("isClosed"),
                    session.getMethod("addEventListener", EventListener.class),
                    session.getMethod("removeEventListener", EventListener.class),
                    apiSession.getMethod("ping", pingFrame, callback),
                    pingFrame.getConstructor(long.class, boolean.class), callback.getField("NOOP").get(null),
                    pingFrame, pingFrame.getMethod("isReply"), pingFrame.getMethod("getPayloadAsLong"), frameListener,
                    connectionListener, ioConnection.getMethod("addEventListener", EventListener.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return unusable(loader, e);
        }
    }

    /**
     * HTTP/2 is here but not as this kit knows it (another Jetty version, a split class loader): a
     * client may then lose an early answer, so say so, once per loader and not per member of the chain.
     */
    private static Http2 unusable(ClassLoader loader, Throwable e) {
        if (UNUSABLE_HTTP2_WARNED.add(loader)) {
            LOG.warn("Jetty's HTTP/2 classes are not usable from {}: over HTTP/2 an early answer's stream is "
                    + "reset at once, and a client may lose the answer", loader, e);
        } else {
            LOG.debug("Jetty's HTTP/2 classes are not usable from {}: {}", loader, e.toString());
        }
        return null;
    }

    /** Through {@code loader}; {@code null} where Jetty's classes are not usable from it. */
    static JettyHttp2Api find(ClassLoader loader) {
        try {
            JettyHttp2Api api = new JettyHttp2Api(loader);
            return api.contentNotConsumed == null ? null : api;
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            LOG.debug("Jetty's HttpStream is not usable from {}", loader, e);
            return null;
        }
    }

    Class<?> httpStream() {
        return httpStream;
    }

    Class<?> frameListenerType() {
        return http2.frameListener();
    }

    boolean isFailed(Method method) {
        return method.getName().equals(failed.getName())
                && java.util.Arrays.equals(method.getParameterTypes(), failed.getParameterTypes());
    }

    /** Whether {@code failure} is Jetty's finding that the body was left unread, and nothing else. */
    boolean bodyLeftUnread(Object failure) {
        if (failure == contentNotConsumed) {
            return true;
        }
        return failure instanceof Throwable t && t.getCause() == contentNotConsumed && t.getSuppressed().length == 0;
    }

    /** The HTTP/2 stream's id, which Jetty's {@code HttpStreamOverHTTP2.getId()} gives as a string. */
    int streamId(Object stream) throws ReflectiveOperationException {
        return Integer.parseInt((String) invoke(getId, stream));
    }

    void addHttpStreamWrapper(Object request, Function<Object, Object> wrapper) throws ReflectiveOperationException {
        invoke(addHttpStreamWrapper, request, wrapper);
    }

    /** The request's HTTP/2 connection, or {@code null} over another protocol or without Jetty's HTTP/2 classes. */
    Object http2Connection(Object request) throws ReflectiveOperationException {
        if (http2 == null) {
            return null;
        }
        Object connection = invoke(getConnection, invoke(getConnectionMetaData, request));
        return http2.connection().isInstance(connection) ? connection : null;
    }

    /** The session of an {@link #http2Connection}. */
    Object session(Object http2Connection) throws ReflectiveOperationException {
        return invoke(http2.getSession(), http2Connection);
    }

    /** Runs {@code onClosed} once {@code connection} (Jetty's {@code Connection}) has closed. */
    void whenClosed(Object connection, Runnable onClosed) throws ReflectiveOperationException {
        Class<?> type = http2.connectionListener();
        Object listener = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method, args, "palisade close listener");
            }
            if (method.getName().equals("onClosed")) {
                onClosed.run();
            }
            return null;
        });
        invoke(http2.addConnectionListener(), connection, listener);
    }

    Object scheduler(Object request) throws ReflectiveOperationException {
        return invoke(getScheduler, invoke(getComponents, request));
    }

    void schedule(Object scheduler, Runnable task, long delay, TimeUnit unit) throws ReflectiveOperationException {
        invoke(schedule, scheduler, task, delay, unit);
    }

    boolean remoteOpen(Object session, int id) throws ReflectiveOperationException {
        Object stream = invoke(http2.getStream(), session, id);
        return stream != null && !(boolean) invoke(http2.isRemotelyClosed(), stream)
                && !(boolean) invoke(http2.isClosed(), stream);
    }

    void addFrameListener(Object session, Object listener) throws ReflectiveOperationException {
        invoke(http2.addEventListener(), session, listener);
    }

    void removeFrameListener(Object session, Object listener) throws ReflectiveOperationException {
        invoke(http2.removeEventListener(), session, listener);
    }

    void ping(Object session, long data) throws ReflectiveOperationException {
        invoke(http2.ping(), session, http2.pingFrame().newInstance(data, false), http2.noopCallback());
    }

    boolean isOurPingAnswer(Object frame, long data) throws InvocationTargetException {
        try {
            return http2.pingFrameType().isInstance(frame) && (boolean) invoke(http2.isReply(), frame)
                    && (long) invoke(http2.payload(), frame) == data;
        } catch (IllegalAccessException e) {
            LOG.debug("Could not read a PING frame", e);
            return false;
        }
    }

    /**
     * Ends a held stream as Jetty would have: with {@code reset}, {@code failed(CONTENT_NOT_CONSUMED)},
     * which Jetty answers with {@code RST_STREAM NO_ERROR}; without, {@code succeeded()} (the client
     * has ended the stream: nothing to reset).
     */
    void complete(Object stream, boolean reset) {
        try {
            if (reset) {
                invoke(failed, stream, contentNotConsumed);
            } else {
                invoke(succeeded, stream);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Could not end the HTTP/2 stream of an early answer: {}", e.toString());
        }
    }

    /** Calls {@code stream.method(args)}, unchanged but for an unread body's failure, {@code CONTENT_NOT_CONSUMED} itself. */
    Object delegate(Object stream, Method method, Object[] args) throws Throwable {
        Object[] actual = args;
        if (isFailed(method) && bodyLeftUnread(args[0])) {
            actual = new Object[] {contentNotConsumed};
        }
        try {
            return method.invoke(stream, actual);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A reflection proxy's answer to one of {@code Object}'s methods: identity, and {@code text} as its string. */
    static Object objectMethod(Object proxy, Method method, Object[] args, String text) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> text;
        };
    }

    private static Object invoke(Method method, Object target, Object... args)
            throws IllegalAccessException, InvocationTargetException {
        return method.invoke(target, args);
    }
}
