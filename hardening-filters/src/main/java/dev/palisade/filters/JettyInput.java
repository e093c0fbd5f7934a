package dev.palisade.filters;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.WrongMethodTypeException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own body stream, for whether a request's body was read to its end: behind a request whose
 * reader the application took (the servlet API then refuses {@code getInputStream()}), and for a
 * body read to its last byte but not past it, which Jetty's {@code isFinished()} does not count as
 * ended. Reached through public Jetty methods by reflection
 * ({@code ServletContextRequest.getServletContextRequest(request).getHttpInput()}, in the request's
 * own EE environment, and {@code HttpInput.consumeAvailable()}), so the filter jar needs no Jetty classes.
 */
final class JettyInput {
    private static final Logger LOG = LoggerFactory.getLogger(JettyInput.class);
    private static final String JETTY_EE = "org.eclipse.jetty.ee";

    /** Per container request class: {@code (ServletRequest) -> ServletInputStream}, if it is Jetty's and usable. */
    private static final ClassValue<Optional<MethodHandle>> INPUTS = new ClassValue<>() {
        @Override
        protected Optional<MethodHandle> computeValue(Class<?> requestClass) {
            return Optional.ofNullable(find(requestClass));
        }
    };

    /** Per stream class: Jetty's {@code (ServletInputStream) -> consumeAvailable()}, if it is Jetty's. */
    private static final ClassValue<Optional<MethodHandle>> CONSUMERS = new ClassValue<>() {
        @Override
        protected Optional<MethodHandle> computeValue(Class<?> streamClass) {
            return Optional.ofNullable(findConsumer(streamClass));
        }
    };

    private JettyInput() {
    }

    /** Jetty's stream of {@code request}'s body, or {@code null} where the request is not Jetty's (or it cannot be reached). */
    static ServletInputStream of(ServletRequest request) {
        ServletRequest container = ContainerRequests.unwrapped(request);
        MethodHandle input = INPUTS.get(container.getClass()).orElse(null);
        if (input == null) {
            return null;
        }
        try {
            return (ServletInputStream) input.invokeExact(container);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // Neither method declares a checked exception.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code in}, if it is Jetty's stream, is at the end of the body once what has arrived
     * is taken and dropped, without waiting ({@code HttpInput.consumeAvailable()}, what Jetty asks
     * itself when a request ends with its body unread); {@code false} for any other stream.
     */
    static boolean consumedToEnd(ServletInputStream in) {
        MethodHandle consume = CONSUMERS.get(in.getClass()).orElse(null);
        if (consume == null) {
            return false;
        }
        try {
            return (boolean) consume.invokeExact(in);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // The method declares no checked exception.
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle findConsumer(Class<?> streamClass) {
        if (!streamClass.getName().startsWith(JETTY_EE)) {
            return null;
        }
        try {
            return MethodHandles.publicLookup().findVirtual(streamClass, "consumeAvailable",
                    MethodType.methodType(boolean.class)).asType(MethodType.methodType(boolean.class,
                    ServletInputStream.class));
        } catch (NoSuchMethodException | IllegalAccessException | LinkageError | WrongMethodTypeException
                | SecurityException e) {
            LOG.debug("{}.consumeAvailable() not usable", streamClass.getName(), e);
            return null;
        }
    }

    private static MethodHandle find(Class<?> requestClass) {
        String name = requestClass.getName();
        int end = name.indexOf('.', JETTY_EE.length());
        if (!name.startsWith(JETTY_EE) || end < 0) {
            return null;
        }
        String contextRequest = name.substring(0, end) + ".servlet.ServletContextRequest";
        try {
            Class<?> type = Class.forName(contextRequest, false, requestClass.getClassLoader());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle of = lookup.findStatic(type, "getServletContextRequest",
                    MethodType.methodType(type, ServletRequest.class));
            MethodHandle input = lookup.unreflect(type.getMethod("getHttpInput"));
            return MethodHandles.filterReturnValue(of, input)
                    .asType(MethodType.methodType(ServletInputStream.class, ServletRequest.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError
                | WrongMethodTypeException | SecurityException e) {
            LOG.debug("{} not usable from {}", contextRequest, requestClass.getClassLoader(), e);
            return null;
        }
    }
}
