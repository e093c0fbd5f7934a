package dev.palisade.filters;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * Whether an asynchronous failure is the client's malformed or cut-short request body, as the
 * container reports it to a task that read the body or to the cycle's listeners: one of the
 * exceptions {@link ClientFaults#status} knows, or Tomcat's failed read of this request's own body,
 * which Tomcat also notes on the request ({@code RequestDispatcher.ERROR_EXCEPTION}) and hands to
 * the listeners as it is, out of the {@code ClientAbortException} the reading code gets. Anything
 * else a task or listener meets is the server's.
 */
final class BodyFaults {
    /** Tomcat's servlet input buffer, through which every read of a request body passes. */
    private static final String TOMCAT_INPUT_BUFFER = "org.apache.catalina.connector.InputBuffer";
    /** Tomcat's HTTP/2 stream input, which fails a body's reads when the client resets the stream. */
    private static final String TOMCAT_HTTP2_STREAM_INPUT = "org.apache.coyote.http2.Stream$StandardStreamInputBuffer";
    /** Jetty's HTTP/2 server, which fails a request's reads and writes when the client resets its stream. */
    private static final String JETTY_HTTP2_SERVER_PACKAGE = "org.eclipse.jetty.http2.server.";
    /** Tomcat's endpoints, which raise a connection's timeout. */
    private static final String TOMCAT_NET_PACKAGE = "org.apache.tomcat.util.net.";

    private BodyFaults() {
    }

    /**
     * Whether {@code failure} or one of its first causes is the container's word that an HTTP/2
     * client reset its stream: raised by Jetty's HTTP/2 server ({@code EofException "Reset
     * cancel_stream_error"}, which on a task's thread cannot otherwise be told from a backend's
     * {@code EofException}) or by Tomcat's HTTP/2 stream input ({@code "Client reset the stream before
     * the request was fully read"}, {@code "Stream reset"}), not by either's HTTP/2 client. The
     * client has gone: nothing to answer, nothing to cut short.
     */
    static boolean streamReset(Throwable failure, ServletContext context) {
        String raiser = Containers.isJetty(context) ? JETTY_HTTP2_SERVER_PACKAGE
                : Containers.isTomcat(context) ? TOMCAT_HTTP2_STREAM_INPUT : null;
        if (raiser == null) {
            return false;
        }
        return ClientFaults.firstIoException(failure, io -> {
            String raisedBy = StackFrames.raisedBy(StackFrames.of(io));
            return raisedBy != null && raisedBy.startsWith(raiser);
        }) != null;
    }

    /**
     * The 4xx {@code failure} stands for as a fault of the client's body (408 for a read that timed
     * out: a client that stalled), or 0 if it is none.
     *
     * @param tomcatsRead Tomcat's failed read of the body in {@code failure} (see
     *     {@link #tomcatsFailedRead}), or {@code null}
     */
    static int status(Throwable failure, IOException tomcatsRead) {
        int status = ClientFaults.status(failure);
        if (status != 0 || tomcatsRead == null) {
            return status;
        }
        return tomcatsRead instanceof SocketTimeoutException ? 408 : 400;
    }

    /**
     * The exception of Tomcat's failed read of {@code request}'s body in {@code failure} or its
     * first causes, or {@code null}: raised under Tomcat's input buffer, and the one Tomcat noted on
     * the request ({@code request} {@code null} where the cycle ended and it is not to be asked), or
     * any such read once the cycle's read is known to have failed ({@code knownRead}: the same read,
     * met again by a task); or, {@code toldByTomcat}, the failure itself, which Tomcat hands the
     * listeners of the request whose read failed, also its endpoint's timeout of a stalled
     * connection. Identity tells it from another request's read (a task serving many clients) and
     * from what the application's own code threw.
     */
    static IOException tomcatsFailedRead(Throwable failure, ServletRequest request, ServletContext context,
            IOException knownRead, boolean toldByTomcat) {
        if (!Containers.isTomcat(context)) {
            return null;
        }
        if (toldByTomcat && failure instanceof IOException read && (isTomcatsRead(read) || isTomcatsTimeout(read))) {
            return read;
        }
        IOException noted = noted(request);
        return ClientFaults.firstIoException(failure,
                read -> isTomcatsRead(read) && (read == noted || knownRead != null));
    }

    /** Whether {@code io} is Tomcat's endpoint's timeout of a connection (a client that stalled). */
    private static boolean isTomcatsTimeout(IOException io) {
        String raisedBy = StackFrames.raisedBy(StackFrames.of(io));
        return io instanceof SocketTimeoutException && raisedBy != null && raisedBy.startsWith(TOMCAT_NET_PACKAGE);
    }

    /**
     * The exception Tomcat noted on {@code request}, or {@code null}: also where there is no request
     * to ask ({@code null}, its cycle ended) or Tomcat refuses (a request recycled meanwhile).
     */
    private static IOException noted(ServletRequest request) {
        try {
            return request != null && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof IOException io
                    ? io : null;
        } catch (IllegalStateException recycled) {
            return null;
        }
    }

    private static boolean isTomcatsRead(IOException read) {
        return StackFrames.passesThrough(StackFrames.of(read), TOMCAT_INPUT_BUFFER);
    }
}
