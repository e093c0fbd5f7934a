package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has Jetty 12.1 end the HTTP/2 stream of an early answer, one that leaves the request body unread,
 * with {@code RST_STREAM NO_ERROR} instead of {@code CANCEL}. RFC 9113 (section 8.1) has a server
 * that answers before the request is complete ask the client to stop sending "without error": a
 * client must not drop a response reset with {@code NO_ERROR}, and curl (7.88) dropped the complete
 * answer after Jetty's {@code CANCEL} ("stream 1 was not closed cleanly: CANCEL"; 43 of 50 8 MB
 * uploads answered 413 in a probe, Jetty 12.1.14, h2c).
 *
 * <p>Jetty decides it as the request completes, after the answer's last frame was written: its
 * {@code HttpChannelState} finds the body unread ({@code HttpStream.consumeAvailable()} returns
 * {@code HttpStream.CONTENT_NOT_CONSUMED}) and fails the stream with that failure wrapped in a
 * {@code QuietException}. {@code HttpStreamOverHTTP2.failed} resets with {@code NO_ERROR} for
 * {@code CONTENT_NOT_CONSUMED} itself, {@code CANCEL} for anything else, so the wrapped one gets
 * {@code CANCEL}. Through Jetty's public {@code Request.addHttpStreamWrapper}, the request's stream is
 * wrapped (a proxy of the {@code HttpStream} interface: the filter jar needs no Jetty classes) so
 * that this one failure, and only when nothing else failed, reaches the HTTP/2 stream unwrapped,
 * once the client has acknowledged a PING sent after the answer (see {@link JettyPingGate}). A
 * request whose body did end (a GET's at once) is not failed, and not reset.
 */
final class JettyStreamReset {
    private static final Logger LOG = LoggerFactory.getLogger(JettyStreamReset.class);
    /** Per Jetty HTTP/2 session, its gate; weak keys: a gate reaches its session only weakly. */
    private static final Map<Object, JettyPingGate> GATES = Collections.synchronizedMap(new WeakHashMap<>());

    /** Per EE environment this context may be, {@code (ServletRequest) -> ServletContextRequest}. */
    private final List<MethodHandle> coreRequests;
    private final JettyHttp2Api api;

    private JettyStreamReset(List<MethodHandle> coreRequests, JettyHttp2Api api) {
        this.coreRequests = List.copyOf(coreRequests);
        this.api = api;
    }

    /**
     * Through {@code loader}, for the servlet request classes named; {@code null} where Jetty's classes
     * are not usable from it (a WAR on a standalone Jetty, which hides them).
     */
    static JettyStreamReset find(ClassLoader loader, List<String> requestClasses) {
        JettyHttp2Api api = JettyHttp2Api.find(loader);
        if (api == null) {
            return null;
        }
        List<MethodHandle> coreRequests = new ArrayList<>();
        for (String requestClass : requestClasses) {
            MethodHandle of = coreRequest(requestClass, loader);
            if (of != null) {
                coreRequests.add(of);
            }
        }
        return coreRequests.isEmpty() ? null : new JettyStreamReset(coreRequests, api);
    }

    /** {@code (ServletRequest) -> getServletContextRequest(r)}, Jetty's core request, or {@code null}. */
    private static MethodHandle coreRequest(String requestClass, ClassLoader loader) {
        try {
            Class<?> request = Class.forName(requestClass, false, loader);
            return MethodHandles.publicLookup().findStatic(request, "getServletContextRequest",
                    MethodType.methodType(request, ServletRequest.class))
                    .asType(MethodType.methodType(Object.class, ServletRequest.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", requestClass, loader, e);
            return null;
        }
    }

    /**
     * Arranges for the stream of {@code request} to be reset with {@code NO_ERROR}, not {@code CANCEL},
     * should Jetty find its body unread once the response has ended. To be called before the answer
     * is written, over HTTP/2 only.
     *
     * @return whether it was arranged; {@code false} where the request is not Jetty's own
     */
    boolean resetWithoutErrorWhenBodyUnread(ServletRequest request) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        Throwable last = null;
        for (MethodHandle of : coreRequests) {
            try {
                Object core = of.invokeExact(container);
                JettyPingGate gate = gate(core);
                api.addHttpStreamWrapper(core, stream -> Proxy.newProxyInstance(api.httpStream().getClassLoader(),
                        new Class<?>[] {api.httpStream()}, new Unwrapping(stream, gate)));
                return true;
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                // Another environment's request class does not know this request: try the next.
                last = e;
            }
        }
        LOG.debug("Could not wrap the HTTP/2 stream; Jetty resets it with CANCEL", last);
        return false;
    }

    /** Streams held for a PING in every session: for tests. */
    static int heldStreams() {
        synchronized (GATES) {
            return GATES.values().stream().mapToInt(JettyPingGate::heldCount).sum();
        }
    }

    /** The gate of the request's HTTP/2 session; {@code null} where there is none to be had (the reset then comes at once). */
    private JettyPingGate gate(Object core) {
        try {
            Object connection = api.http2Connection(core);
            if (connection == null) {
                return null;
            }
            Object session = api.session(connection);
            Object scheduler = api.scheduler(core);
            return GATES.computeIfAbsent(session, s -> {
                JettyPingGate gate = new JettyPingGate(api, s, scheduler);
                try {
                    api.whenClosed(connection, gate::closed);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // The streams it holds are let go at the PING's deadline instead.
                    LOG.debug("Could not listen for the HTTP/2 connection's close", e);
                }
                return gate;
            });
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("No PING gate for the HTTP/2 session; an early answer's stream is reset at once", e);
            return null;
        }
    }

    /**
     * Hands every call to Jetty's stream, but for its failure with an unread body: that is held for the
     * session's gate, which completes it with {@code CONTENT_NOT_CONSUMED} itself (the {@code NO_ERROR}
     * reset) once the client has read the answer.
     */
    private final class Unwrapping implements InvocationHandler {
        private final Object stream;
        private final JettyPingGate gate;

        Unwrapping(Object stream, JettyPingGate gate) {
            this.stream = stream;
            this.gate = gate;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return JettyHttp2Api.objectMethod(proxy, method, args, "NO_ERROR on unread body(" + stream + ")");
            }
            if (gate != null && api.isFailed(method) && api.bodyLeftUnread(args[0])) {
                int id;
                try {
                    id = api.streamId(stream);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // Not a number: not Jetty's HTTP/2 stream as known here; reset at once instead.
                    LOG.debug("Could not read the HTTP/2 stream's id; its reset is not held", e);
                    return api.delegate(stream, method, args);
                }
                gate.answered(id, stream);
                return null;
            }
            return api.delegate(stream, method, args);
        }
    }
}
