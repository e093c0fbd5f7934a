package dev.palisade.filters;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servlet 6.1's {@code sendRedirect(String, int, boolean)}, called on a wrapped response by name.
 *
 * <p>This jar builds against Servlet 6.0, where the method does not exist. On a 6.1 container
 * {@code HttpServletResponseWrapper} passes its three new {@code sendRedirect} overloads straight to
 * the wrapped response, past a wrapper that only overrides {@code sendRedirect(String)}; the chain's
 * wrappers therefore declare the overloads themselves (without {@code @Override}) and delegate here.
 * They are only ever called on a 6.1 container, where the handle exists.
 */
final class StatusRedirect {
    private static final Logger LOG = LoggerFactory.getLogger(StatusRedirect.class);
    private static final MethodHandle SEND = find();

    private StatusRedirect() {
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findVirtual(HttpServletResponse.class, "sendRedirect",
                    MethodType.methodType(void.class, String.class, int.class, boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            LOG.debug("Servlet 6.0: no sendRedirect(String, int, boolean)", e);
            return null;
        }
    }

    /** {@code response.sendRedirect(location, status, clearBuffer)} on a Servlet 6.1 container. */
    static void send(HttpServletResponse response, String location, int status, boolean clearBuffer) throws IOException {
        if (SEND == null) {
            // Only a caller built against 6.1 can reach the overloads, and it would fail on 6.0 anyway.
            throw new UnsupportedOperationException("sendRedirect(String, int, boolean) needs Servlet 6.1");
        }
        try {
            SEND.invokeExact(response, location, status, clearBuffer);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // The method declares IOException alone; anything else checked was thrown sneakily.
            throw new UndeclaredThrowableException(e);
        }
    }
}
