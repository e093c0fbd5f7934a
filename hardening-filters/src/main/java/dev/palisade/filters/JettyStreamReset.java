package dev.palisade.filters;

import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has Jetty 12.1 end the HTTP/2 stream of an early answer, one that leaves the request body unread,
 * with {@code RST_STREAM NO_ERROR} instead of {@code CANCEL}. RFC 9113 (section 8.1) has a server
 * that answers before the request is complete ask the client to stop sending "without error": a
 * client must not drop a response reset with {@code NO_ERROR}, and curl (7.88) dropped the complete
 * answer after Jetty's {@code CANCEL} in some tries ("stream 1 was not closed cleanly: CANCEL").
 *
 * <p>Jetty decides it as the request completes, after the answer's last frame was written: its
 * {@code HttpChannelState} finds the body unread ({@code HttpStream.consumeAvailable()} returns
 * {@code HttpStream.CONTENT_NOT_CONSUMED}) and fails the stream with that failure wrapped in a
 * {@code QuietException}. {@code HttpStreamOverHTTP2.failed} resets with {@code NO_ERROR} for
 * {@code CONTENT_NOT_CONSUMED} itself, {@code CANCEL} for anything else, so the wrapped one gets
 * {@code CANCEL}. Through Jetty's public {@code Request.addHttpStreamWrapper}, the request's stream is
 * wrapped (a proxy of the {@code HttpStream} interface: the filter jar needs no Jetty classes) so
 * that this one failure, and only when nothing else failed, reaches the HTTP/2 stream unwrapped.
 * A request whose body did end (a GET's at once) is not failed, and not reset.
 */
final class JettyStreamReset {
    private static final Logger LOG = LoggerFactory.getLogger(JettyStreamReset.class);
    private static final String HTTP_STREAM = "org.eclipse.jetty.server.HttpStream";

    /** Per EE environment this context may be, {@code (ServletRequest, Function) -> void}: the wrapper's registration. */
    private final List<MethodHandle> addWrappers;
    private final Class<?> httpStream;
    /** Jetty's {@code HttpStream.CONTENT_NOT_CONSUMED}. */
    private final Throwable contentNotConsumed;
    /** {@code Callback.failed(Throwable)}, as {@code HttpStream} has it. */
    private final Method failed;

    private JettyStreamReset(List<MethodHandle> addWrappers, Class<?> httpStream, Throwable contentNotConsumed,
            Method failed) {
        this.addWrappers = List.copyOf(addWrappers);
        this.httpStream = httpStream;
        this.contentNotConsumed = contentNotConsumed;
        this.failed = failed;
    }

    /**
     * Through {@code loader}, for the servlet request classes named; {@code null} where Jetty's classes
     * are not usable from it (a WAR on a standalone Jetty, which hides them).
     */
    static JettyStreamReset find(ClassLoader loader, List<String> requestClasses) {
        try {
            Class<?> httpStream = Class.forName(HTTP_STREAM, false, loader);
            Throwable contentNotConsumed = (Throwable) httpStream.getField("CONTENT_NOT_CONSUMED").get(null);
            Method failed = httpStream.getMethod("failed", Throwable.class);
            List<MethodHandle> addWrappers = new ArrayList<>();
            for (String requestClass : requestClasses) {
                MethodHandle add = addWrapper(requestClass, loader);
                if (add != null) {
                    addWrappers.add(add);
                }
            }
            if (contentNotConsumed == null || addWrappers.isEmpty()) {
                return null;
            }
            return new JettyStreamReset(addWrappers, httpStream, contentNotConsumed, failed);
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            LOG.debug("{} not usable from {}", HTTP_STREAM, loader, e);
            return null;
        }
    }

    /** {@code (ServletRequest, Function) -> getServletContextRequest(r).addHttpStreamWrapper(f)}, or {@code null}. */
    private static MethodHandle addWrapper(String requestClass, ClassLoader loader) {
        try {
            Class<?> request = Class.forName(requestClass, false, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle of = lookup.findStatic(request, "getServletContextRequest",
                    MethodType.methodType(request, ServletRequest.class));
            MethodHandle add = lookup.findVirtual(request, "addHttpStreamWrapper",
                    MethodType.methodType(void.class, Function.class));
            return MethodHandles.filterArguments(add, 0, of)
                    .asType(MethodType.methodType(void.class, ServletRequest.class, Function.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{}.addHttpStreamWrapper not usable from {}", requestClass, loader, e);
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
        Function<Object, Object> wrapper = this::wrap;
        Throwable last = null;
        for (MethodHandle add : addWrappers) {
            try {
                add.invokeExact(container, (Function<?, ?>) wrapper);
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

    private Object wrap(Object stream) {
        return Proxy.newProxyInstance(httpStream.getClassLoader(), new Class<?>[] {httpStream}, new Unwrapping(stream));
    }

    /** Whether {@code failure} is Jetty's finding that the body was left unread, and nothing else. */
    private boolean bodyLeftUnread(Object failure) {
        if (failure == contentNotConsumed) {
            return true;
        }
        return failure instanceof Throwable t && t.getCause() == contentNotConsumed && t.getSuppressed().length == 0;
    }

    /** Hands every call to Jetty's stream, the failure for an unread body as {@code CONTENT_NOT_CONSUMED} itself. */
    private final class Unwrapping implements InvocationHandler {
        private final Object stream;

        Unwrapping(Object stream) {
            this.stream = stream;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "NO_ERROR on unread body(" + stream + ")";
                };
            }
            Object[] actual = args;
            if (method.getName().equals(failed.getName())
                    && java.util.Arrays.equals(method.getParameterTypes(), failed.getParameterTypes())
                    && bodyLeftUnread(args[0])) {
                actual = new Object[] {contentNotConsumed};
            }
            try {
                return method.invoke(stream, actual);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
