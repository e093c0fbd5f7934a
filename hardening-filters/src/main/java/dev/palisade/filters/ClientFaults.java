package dev.palisade.filters;

import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exceptions Jetty and Tomcat throw into the application when it asks for a part of the
 * request that the client got wrong: a query string or form body with a broken percent-escape or
 * bytes that are not UTF-8 ({@code getParameter}), a form over the container's limits, a broken
 * multipart body ({@code getParts}). Jetty 12 throws an {@code org.eclipse.jetty.http.HttpException}
 * carrying a 4xx code; Tomcat 11 an {@code org.apache.tomcat.util.http.InvalidParameterException},
 * or a {@code FileUploadException} caused by its multipart stream's {@code MalformedStreamException}
 * (only that cause: the same exception type also wraps a failure to write the temporary file), its
 * multipart limits' and content-type exceptions, its complaint about a missing boundary, or its
 * {@code BadRequestException} for a body whose framing is broken. Unrecognised, they would be a 500
 * and an ERROR with a stack (Tomcat's message even quotes the parameter's value) for a client's
 * typo. Recognised by name, so the filter jar needs neither container. Undertow's, Payara's
 * (GlassFish's Grizzly connector) and Open Liberty's, mostly plain exceptions, by where they were
 * thrown: see {@link UndertowFaults}, {@link GlassFishFaults} and {@link LibertyFaults}.
 */
final class ClientFaults {
    private static final String JETTY_HTTP_EXCEPTION = "org.eclipse.jetty.http.HttpException";
    private static final String TOMCAT_INVALID_PARAMETER = "org.apache.tomcat.util.http.InvalidParameterException";
    /** Tomcat's multipart parser on a broken body (the cause of its FileUploadException). */
    private static final String TOMCAT_MALFORMED_MULTIPART =
            "org.apache.tomcat.util.http.fileupload.MultipartStream$MalformedStreamException";
    private static final String TOMCAT_ILLEGAL_BOUNDARY =
            "org.apache.tomcat.util.http.fileupload.MultipartStream$IllegalBoundaryException";
    /** Tomcat's reading of a malformed body framing (a bad chunk-size line). */
    private static final String TOMCAT_BAD_REQUEST = "org.apache.coyote.BadRequestException";
    /** Jetty's servlet streams, whose reads and writes rethrow the connection's idle timeout. */
    private static final Set<String> JETTY_SERVLET_STREAMS = Set.of(
            "org.eclipse.jetty.ee10.servlet.HttpInput", "org.eclipse.jetty.ee11.servlet.HttpInput",
            "org.eclipse.jetty.ee10.servlet.HttpOutput", "org.eclipse.jetty.ee11.servlet.HttpOutput");
    /** Jetty's reading of a body whose framing broke off or went wrong (a bad chunk-size line). */
    private static final String JETTY_EARLY_EOF = "org.eclipse.jetty.server.internal.HttpConnection$HttpEofException";
    /** Tomcat's {@code getParts()} on a body that is not multipart. */
    private static final String TOMCAT_NOT_MULTIPART =
            "org.apache.tomcat.util.http.fileupload.impl.InvalidContentTypeException";
    /** Tomcat's multipart limits ({@code @MultipartConfig} sizes): the base of its two size exceptions. */
    private static final String TOMCAT_MULTIPART_TOO_LARGE = "org.apache.tomcat.util.http.fileupload.impl.SizeException";
    /** Tomcat's part-count limit ({@code maxPartCount}). */
    private static final String TOMCAT_TOO_MANY_PARTS =
            "org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException";
    /**
     * Tomcat's multipart parser on a {@code multipart/form-data} type without a boundary: a plain
     * {@code FileUploadException}, told apart by its fixed English message (the same class reports a
     * failure to write a part to disk, which is the server's). Should the message change, the
     * missing boundary falls back to the 500 path.
     */
    private static final String TOMCAT_FILE_UPLOAD = "org.apache.tomcat.util.http.fileupload.FileUploadException";
    private static final String TOMCAT_NO_BOUNDARY_MESSAGE = "no multipart boundary";
    /** Connector exceptions meaning the client went away: nothing to answer, nothing to alarm anyone. */
    static final Set<String> CLIENT_GONE = Set.of(
            "org.eclipse.jetty.io.EofException",
            "org.apache.catalina.connector.ClientAbortException",
            "org.apache.coyote.CloseNowException");
    private static final int MAX_CAUSES = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ClientFaults.class);

    private ClientFaults() {
    }

    /**
     * {@code t}'s cause, or {@code null} when asking for it throws: an application's exception may
     * override {@code getCause()}, and this runs on the error path, which must still answer.
     */
    static Throwable causeOf(Throwable t) {
        try {
            return t.getCause();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Whether {@code failure} or one of its first causes is of a class named in {@code classNames}. */
    static boolean causedBy(Throwable failure, Set<String> classNames) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = causeOf(t)) {
            if (classNames.contains(t.getClass().getName())) {
                return true;
            }
        }
        return false;
    }

    /** Tomcat's connector exceptions for a client gone, which Tomcat is quiet about when thrown as they are. */
    private static final Set<String> TOMCAT_CLIENT_GONE = Set.of(
            "org.apache.catalina.connector.ClientAbortException",
            "org.apache.coyote.CloseNowException");
    private static final Set<String> JETTY_CLIENT_GONE = Set.of("org.eclipse.jetty.io.EofException");
    private static final String JETTY_HTTP2_PACKAGE = "org.eclipse.jetty.http2.";
    /** The servlet layers of Jetty and Tomcat, which refuse a task an ended cycle or a recycled request. */
    private static final String JETTY_SERVER_PACKAGE = "org.eclipse.jetty.server.";
    private static final String JETTY_EE_PACKAGE = "org.eclipse.jetty.ee";
    private static final String CATALINA_CONNECTOR_PACKAGE = "org.apache.catalina.connector.";
    private static final String CATALINA_CORE_PACKAGE = "org.apache.catalina.core.";
    private static final String COYOTE_PACKAGE = "org.apache.coyote.";
    private static final Set<String> GLASSFISH_CLIENT_GONE = Set.of("org.apache.catalina.connector.ClientAbortException");

    /**
     * The exceptions that mean "the client went away" on the container running {@code context}:
     * its own. On Tomcat a Jetty {@code EofException} comes from a backend (Jetty's HttpClient) and
     * is the server's failure. On Jetty the same class from its HttpClient cannot be told apart.
     */
    static Set<String> clientGoneOn(ServletContext context) {
        if (Containers.isTomcat(context)) {
            return TOMCAT_CLIENT_GONE;
        }
        if (Containers.isGlassFish(context)) {
            // Grizzly's own are told by where they were thrown (clientGone). Catalina's exception,
            // which Payara's valves are quiet about, is what the filters end a connection with.
            return GLASSFISH_CLIENT_GONE;
        }
        if (Containers.isUndertow(context) || Containers.isLiberty(context)) {
            // Undertow's and Liberty's are told by where they were thrown (clientGone); these
            // classes come from a backend's client there.
            return Set.of();
        }
        return Containers.isJetty(context) ? JETTY_CLIENT_GONE : CLIENT_GONE;
    }

    /**
     * Whether {@code failure} or one of its first causes is the container's word that the client
     * went away: by class on Jetty and Tomcat (see {@link #clientGoneOn}), by where it was thrown on
     * Undertow (see {@link UndertowFaults}).
     */
    static boolean clientGone(Throwable failure, ServletContext context) {
        return causedBy(failure, clientGoneOn(context))
                || (Containers.isUndertow(context) && undertowClientGone(failure) != null)
                || (Containers.isGlassFish(context) && grizzlyClientGone(failure) != null)
                || (Containers.isLiberty(context) && libertyClientGone(failure) != null)
                || (Containers.isJetty(context) && jettyHttp2PeerGone(failure));
    }

    /**
     * Jetty's HTTP/2 session failing the streams of a connection the peer closed, broke (a protocol
     * error) or flooded past the rate control: plain JDK exceptions ({@code ClosedChannelException}
     * from {@code HTTP2Session$StreamsState.onShutdown}, {@code EOFException "reset"} from its
     * {@code failStreams}, an {@code IOException "enhance_your_calm_error/..."}), told by where they
     * were raised, in Jetty's HTTP/2 code. Most of these come as Jetty's {@code EofException}; these
     * did not (a client closing its connection mid-download, in about one try of two on ee11; a
     * review behind HAProxy). As with {@code EofException}, the same from Jetty's HTTP/2 client in
     * the application cannot be told apart.
     */
    static boolean jettyHttp2PeerGone(Throwable failure) {
        return firstIoException(failure, io -> {
            String raisedBy = StackFrames.raisedBy(StackFrames.of(io));
            return raisedBy != null && raisedBy.startsWith(JETTY_HTTP2_PACKAGE);
        }) != null;
    }

    /**
     * The container's own "client gone" exception in {@code failure} or its first causes, to be
     * thrown as it is: Tomcat and Undertow are quiet about their own exceptions, and log one inside
     * the application's wrapper ({@code UncheckedIOException}, {@code ServletException}) as an ERROR
     * with a stack. {@code null} elsewhere (Jetty is quiet about it wrapped too).
     */
    static IOException containersClientGone(Throwable failure, ServletContext context) {
        if (Containers.isUndertow(context)) {
            return undertowClientGone(failure);
        }
        if (Containers.isLiberty(context)) {
            return libertyClientGone(failure);
        }
        return Containers.isGlassFish(context) ? grizzlyClientGone(failure) : tomcatClientGone(failure);
    }

    /**
     * Catalina's exception for a client gone, or Grizzly's write failure for one, in {@code failure}
     * or its first causes, or {@code null}. Payara logs Grizzly's with a stack thrown as it is: see
     * {@link ConnectionAbort#quietly}.
     */
    private static IOException grizzlyClientGone(Throwable failure) {
        return firstIoException(failure,
                io -> GLASSFISH_CLIENT_GONE.contains(io.getClass().getName()) || GlassFishFaults.isClientGone(io));
    }

    /**
     * Liberty's write failure for a client gone in {@code failure} or its first causes (through
     * Liberty's wrapper of a servlet's exception), or {@code null}. Liberty logs it with a stack
     * thrown as it is: see {@link ConnectionAbort#quietly}.
     */
    private static IOException libertyClientGone(Throwable failure) {
        return firstIoException(failure, LibertyFaults::isClientGone);
    }

    /** Undertow's write failure for a client gone in {@code failure} or its first causes, or {@code null}. */
    private static IOException undertowClientGone(Throwable failure) {
        return firstIoException(failure, UndertowFaults::isClientGone);
    }

    /**
     * Tomcat's own "client gone" exception in {@code failure} or its first causes, or {@code null}.
     * Thrown on as it is, Tomcat stays quiet about it; inside the application's wrapper
     * ({@code UncheckedIOException}, {@code ServletException}) it logs an ERROR with a stack. Only
     * Tomcat's: Jetty is quiet about its {@code EofException} wrapped too, and the same class from
     * Jetty's HttpClient on Tomcat is a backend's failure, whose wrapper's message and stack the
     * log must keep.
     */
    private static IOException tomcatClientGone(Throwable failure) {
        return firstIoException(failure, io -> TOMCAT_CLIENT_GONE.contains(io.getClass().getName()));
    }

    /**
     * Whether {@code failure}, a task's on a cycle the container ended because its client left, may
     * come of that: a read or write that failed ({@code IOException} or its unchecked wrapper in the
     * first causes; a backend's I/O failure cannot be told from it here, and is taken for it too), or
     * the container's refusal of the ended cycle or of its recycled request (an exception raised by
     * the servlet layer of Tomcat or Jetty: Tomcat's {@code IllegalStateException "Calling
     * [asyncComplete()] is not valid..."}, {@code "The request object has been recycled..."}, the
     * {@code NullPointerException} of its recycled input stream). Anything else (the application's
     * own {@code NullPointerException}, one raised in a container's utilities) is the server's failure.
     */
    static boolean mayComeOfDeparture(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = causeOf(t)) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
            String raisedBy = StackFrames.raisedBy(StackFrames.of(t));
            if (raisedBy != null && (raisedBy.startsWith(CATALINA_CONNECTOR_PACKAGE) || raisedBy.startsWith(CATALINA_CORE_PACKAGE)
                    || raisedBy.startsWith(COYOTE_PACKAGE) || raisedBy.startsWith(JETTY_SERVER_PACKAGE)
                    || raisedBy.startsWith(JETTY_EE_PACKAGE))) {
                return true;
            }
        }
        return false;
    }

    /** The first IOException {@code which} accepts in {@code failure} or its first causes, or {@code null}. */
    static IOException firstIoException(Throwable failure, Predicate<IOException> which) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = causeOf(t)) {
            if (t instanceof IOException io && which.test(io)) {
                return io;
            }
        }
        return null;
    }

    /**
     * Whether {@code t} itself is Jetty's idle timeout met by a read of the request body or a write
     * of the response: an {@code IOException} carrying a {@code TimeoutException}, thrown by Jetty's
     * servlet streams. A client that stalls mid-body, or stops reading, meets it at will (it was a
     * 500 and an ERROR with the stack); Tomcat's is its client-abort exception. Jetty's HttpClient
     * in the application times out through other frames.
     */
    private static boolean isJettyIdleTimeout(Throwable t) {
        return t instanceof IOException && causeOf(t) instanceof TimeoutException
                && StackFrames.passesThrough(StackFrames.of(t), JETTY_SERVLET_STREAMS);
    }

    /**
     * Whether {@code failure} or one of its first causes is {@link RequestSizeLimitFilter}'s own refusal
     * of the body: parts asked of a body without them, or a charset the JVM does not know.
     */
    static boolean isSizeFiltersRefusal(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = causeOf(t)) {
            if (t instanceof SizeLimitedRequest.PartsRefusedException || t instanceof SizeLimitedRequest.CharsetRefusedException) {
                return true;
            }
        }
        return false;
    }

    /** The 4xx status {@code failure} (or one of its first causes) stands for, or 0 if none. */
    static int status(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = causeOf(t)) {
            String name = t.getClass().getName();
            if (isJettyIdleTimeout(t)) {
                return 408;
            }
            // The size filter's own refusals of a body (answered by it while the response is not
            // committed; after the commit, or in a task, they must not count as the server's failure).
            if (t instanceof SizeLimitedRequest.PartsRefusedException refused) {
                return refused.status();
            }
            if (t instanceof SizeLimitedRequest.CharsetRefusedException) {
                return 415;
            }
            if (TOMCAT_MALFORMED_MULTIPART.equals(name) || TOMCAT_ILLEGAL_BOUNDARY.equals(name)
                    || TOMCAT_BAD_REQUEST.equals(name) || TOMCAT_TOO_MANY_PARTS.equals(name)
                    || JETTY_EARLY_EOF.equals(name) || isMissingBoundary(t, name)) {
                return 400;
            }
            if (TOMCAT_NOT_MULTIPART.equals(name)) {
                return 415;
            }
            if (UndertowFaults.isTooLarge(t)) {
                return 413;
            }
            if (UndertowFaults.isBrokenBody(t) || UndertowFaults.isTooManyParameters(t)) {
                return 400;
            }
            if (GlassFishFaults.isTooLarge(t)) {
                return 413;
            }
            if (GlassFishFaults.isMalformedMultipart(t) || GlassFishFaults.isBrokenBody(t)) {
                return 400;
            }
            if (LibertyFaults.isTooLarge(t)) {
                return 413;
            }
            if (LibertyFaults.isMalformedMultipart(t) || LibertyFaults.isBrokenBody(t)
                    || LibertyFaults.isMalformedParameters(t)) {
                return 400;
            }
            if (LibertyFaults.isNotMultipart(t)) {
                return 415;
            }
            if (isA(t.getClass(), TOMCAT_MULTIPART_TOO_LARGE)) {
                return 413;
            }
            if (TOMCAT_INVALID_PARAMETER.equals(name)) {
                int code = code(t, "getErrorCode");
                return code >= 400 && code <= 499 ? code : 400;
            }
            if (isA(t.getClass(), JETTY_HTTP_EXCEPTION)) {
                int code = code(t, "getCode");
                // A 5xx HttpException is the server's failure: left to the 500 path.
                return code >= 400 && code <= 499 ? code : 0;
            }
        }
        return 0;
    }

    private static boolean isMissingBoundary(Throwable t, String className) {
        // The class first: an application's exception may have a getMessage() that throws.
        if (!TOMCAT_FILE_UPLOAD.equals(className)) {
            return false;
        }
        String message = t.getMessage();
        return message != null && message.contains(TOMCAT_NO_BOUNDARY_MESSAGE);
    }

    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (isA(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int code(Throwable t, String getter) {
        try {
            return t.getClass().getMethod(getter).invoke(t) instanceof Integer code ? code : 0;
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException | RuntimeException e) {
            // A changed container API: the caller falls back to a plain 400 (Tomcat) or the 500 path (Jetty).
            LOG.debug("No status from {}.{}()", t.getClass().getName(), getter, e);
            return 0;
        }
    }
}
