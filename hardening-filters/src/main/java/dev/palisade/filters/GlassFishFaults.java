package dev.palisade.filters;

import java.io.EOFException;
import java.io.IOException;
import java.util.List;

/**
 * Payara's (GlassFish's) exceptions for a client's mistake or departure. Its Grizzly connector
 * throws plain exceptions for them: a {@code java.io.EOFException} when the client ends a body short
 * of its declared length, an {@code IOException} "Connection closed" (its cause the socket's own
 * "Connection reset by peer") or "Connection is closed" when a write finds the client gone. So they
 * are told apart, as Undertow's are (see {@link UndertowFaults}), by what they are and where they
 * were thrown: raised by Grizzly's connection code, directly or through the JDK's socket code, on the
 * servlet input path (a read of the request body) or for a write. A write failure is raised on
 * Grizzly's own writer thread and handed to the application's write, so its frames are Grizzly's
 * asynchronous queue's, not the servlet output path's. Its multipart limits and parser, Catalina's
 * {@code org.apache.catalina.fileupload} (not Tomcat's {@code org.apache.tomcat.util.http.fileupload}),
 * by class name. Recognised by name, so the filter jar needs no Payara classes.
 */
final class GlassFishFaults {
    /** A multipart part over {@code @MultipartConfig} {@code maxFileSize} or a request over {@code maxRequestSize}. */
    private static final String MULTIPART_TOO_LARGE = "org.apache.catalina.fileupload.SizeException";
    /** The multipart parser on a broken body. */
    private static final List<String> MALFORMED_MULTIPART = List.of(
            "org.apache.catalina.fileupload.MultipartStream$MalformedStreamException",
            "org.apache.catalina.fileupload.MultipartStream$IllegalBoundaryException");
    private static final String GRIZZLY = "org.glassfish.grizzly.";
    /** Catalina's side of the request body: the stream and reader of the servlet API both read through it. */
    private static final String SERVLET_INPUT = "org.apache.catalina.connector.InputBuffer";
    /** Where Grizzly finds its connection closed under a write or read ("Connection is closed"). */
    private static final String CONNECTION_CLOSED_CHECK = "org.glassfish.grizzly.nio.NIOConnection";
    /** Where Grizzly fails the writes queued on a connection that closed under them ("Connection closed"). */
    private static final String WRITE_QUEUE = "org.glassfish.grizzly.asyncqueue.TaskQueue";
    /** Grizzly's HTTP output, which a write of the response goes through. */
    private static final String HTTP_OUTPUT = "org.glassfish.grizzly.http.io.OutputBuffer";

    private GlassFishFaults() {
    }

    /** Whether {@code t} itself is Payara's word that a multipart body passed a limit of {@code @MultipartConfig}. */
    static boolean isTooLarge(Throwable t) {
        return MULTIPART_TOO_LARGE.equals(t.getClass().getName());
    }

    /** Whether {@code t} itself is Payara's multipart parser's word that the client's body is broken. */
    static boolean isMalformedMultipart(Throwable t) {
        return MALFORMED_MULTIPART.contains(t.getClass().getName());
    }

    /**
     * Whether {@code t} itself is Grizzly's failure to read a body the client broke off: raised by
     * Grizzly on the servlet input path, as the end of the stream (the client closed its side before
     * the declared length), the socket's own error, or the connection found closed.
     */
    static boolean isBrokenBody(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = StackFrames.of(t);
        return thrownByGrizzly(frames) && StackFrames.passesThrough(frames, SERVLET_INPUT)
                && (t instanceof EOFException || StackFrames.raisedBySocket(frames) || raisedIn(frames, CONNECTION_CLOSED_CHECK));
    }

    /**
     * Whether {@code t} itself is the failure of a write to a client that went away: raised by
     * Grizzly for a connection closed under a queued write (its cause then the socket's error), by
     * the socket itself, or by Grizzly's check of an already closed connection on the way out.
     */
    static boolean isClientGone(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = StackFrames.of(t);
        if (!thrownByGrizzly(frames)) {
            return false;
        }
        return raisedIn(frames, WRITE_QUEUE)
                || ((StackFrames.raisedBySocket(frames) || raisedIn(frames, CONNECTION_CLOSED_CHECK))
                        && StackFrames.passesThrough(frames, HTTP_OUTPUT));
    }

    /** Whether the first frame outside the JDK is of {@code type}: the exception was raised there. */
    private static boolean raisedIn(StackTraceElement[] frames, String type) {
        return type.equals(StackFrames.raisedBy(frames));
    }

    /** Whether the exception was raised by Grizzly, the container's connector, not by an application's code or a file it wrote. */
    private static boolean thrownByGrizzly(StackTraceElement[] frames) {
        String raiser = StackFrames.raisedBy(frames);
        return raiser != null && raiser.startsWith(GRIZZLY);
    }
}
