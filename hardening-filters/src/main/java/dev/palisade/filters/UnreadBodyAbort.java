package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the connection after an answer that leaves the rest of a request body unread, without the
 * container reading that rest first.
 *
 * <p>Jetty closes at once on {@code Connection: close}: nothing to do. Tomcat reads and discards
 * up to its connector's {@code maxSwallowSize} (2 MiB by default) before it closes, so a client
 * can keep a request thread busy after its 413; it skips that only when the context sets
 * {@code swallowAbortedUploads=false} or when the request fails with Tomcat's own
 * {@code org.apache.coyote.CloseNowException}, which it treats as "close now" and logs at DEBUG
 * only. So on Tomcat the answer is flushed and that exception thrown. It is made by reflection:
 * the filter jar needs no Tomcat classes.
 */
final class UnreadBodyAbort {
    /** Does nothing: the container closes on {@code Connection: close} without draining. */
    static final UnreadBodyAbort NONE = new UnreadBodyAbort(null);

    private static final Logger LOG = LoggerFactory.getLogger(UnreadBodyAbort.class);
    private static final String TOMCAT_CLOSE_NOW = "org.apache.coyote.CloseNowException";
    private static final String MESSAGE = "Request body left unread; closing the connection";

    /** Tomcat's {@code CloseNowException(String, Throwable)}, typed to return an IOException. */
    private final MethodHandle closeNow;

    private UnreadBodyAbort(MethodHandle closeNow) {
        this.closeNow = closeNow;
    }

    /** The abort that suits the container running {@code context}. */
    static UnreadBodyAbort forContainer(ServletContext context) {
        String serverInfo = context.getServerInfo();
        if (serverInfo == null || !serverInfo.startsWith("Apache Tomcat")) {
            return NONE;
        }
        MethodHandle constructor = closeNowConstructor(context.getClassLoader());
        if (constructor == null) {
            constructor = closeNowConstructor(UnreadBodyAbort.class.getClassLoader());
        }
        if (constructor == null) {
            LOG.warn("{}: {} not found; Tomcat will read up to maxSwallowSize of a rejected body before closing "
                    + "(set swallowAbortedUploads=\"false\" on the Context to stop it)", LogSafe.escape(serverInfo),
                    TOMCAT_CLOSE_NOW);
            return NONE;
        }
        return new UnreadBodyAbort(constructor);
    }

    private static MethodHandle closeNowConstructor(ClassLoader loader) {
        try {
            Class<?> type = Class.forName(TOMCAT_CLOSE_NOW, false, loader);
            if (!IOException.class.isAssignableFrom(type)) {
                return null;
            }
            MethodType parameters = MethodType.methodType(void.class, String.class, Throwable.class);
            return MethodHandles.publicLookup().findConstructor(type, parameters)
                    .asType(MethodType.methodType(IOException.class, String.class, Throwable.class));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            LOG.debug("{} not usable from {}", TOMCAT_CLOSE_NOW, loader, e);
            return null;
        }
    }

    /**
     * Called once the answer is written: commits it and, where the container would otherwise
     * drain the body, throws so that it closes the connection instead. The caller lets the
     * exception propagate to the container.
     */
    void afterAnswer(HttpServletResponse response) throws IOException {
        if (closeNow == null) {
            return;
        }
        response.flushBuffer();
        throw closeNow(null);
    }

    /**
     * What to throw when the body passed its limit after the application had committed its
     * response: the connection must break, so that the client sees the response is incomplete.
     * On Tomcat, its close-now exception (carrying {@code failure} as cause), which it handles
     * without a log line above DEBUG; elsewhere {@code failure} itself.
     */
    IOException forCommittedResponse(RequestTooLargeException failure) {
        return closeNow == null ? failure : closeNow(failure);
    }

    private IOException closeNow(Throwable cause) {
        try {
            return (IOException) closeNow.invokeExact(MESSAGE, cause);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // The constructor declares nothing checked; should that ever change, still abort.
            IOException fallback = new IOException(MESSAGE, cause);
            fallback.addSuppressed(e);
            return fallback;
        }
    }
}
