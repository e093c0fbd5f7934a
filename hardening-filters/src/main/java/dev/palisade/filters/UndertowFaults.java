package dev.palisade.filters;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.List;

/**
 * Undertow's exceptions for a client's mistake or departure. Unlike Jetty and Tomcat, Undertow
 * throws plain exceptions for them (an {@code IOException} "UT000128: Remote peer closed
 * connection before all data could be read", the socket's own "Connection reset by peer", a
 * {@code ClosedChannelException}), so they are told apart by what they are and where they were
 * thrown: raised by Undertow's (or XNIO's) code, directly or through the JDK's socket code, while the
 * application read the request body or wrote the response. The same classes thrown elsewhere (a
 * backend's client, a file the application wrote) and Undertow's other complaints (a stream read
 * after it was closed, a misconfigured upload directory) are the server's failures. Recognised by
 * name, so the filter jar needs no Undertow classes.
 */
final class UndertowFaults {
    /** Undertow's entity limit ({@code UndertowOptions.MAX_ENTITY_SIZE}, 2 MiB unless set), read past. */
    private static final String REQUEST_TOO_BIG = "io.undertow.server.RequestTooBigException";
    /** A multipart file over {@code MultipartConfig.maxFileSize}. */
    private static final String FILE_TOO_LARGE =
            "io.undertow.server.handlers.form.MultiPartParserDefinition$FileTooLargeException";
    /**
     * Undertow's messages for a body the client broke: closed mid-chunk, multipart cut short,
     * trailers it could not decode, closed before a declared length, a chunk size too large.
     */
    private static final List<String> CLIENTS_MESSAGES = List.of("UT000029", "UT000036", "UT000042", "UT000128",
            "UT000195");
    private static final String SERVLET_INPUT = "io.undertow.servlet.spec.ServletInputStreamImpl";
    private static final String FORM_PARSERS = "io.undertow.server.handlers.form.";
    /** Decoding a form value; a broken escape there makes Undertow's own log call fail (see isBrokenBody). */
    private static final String FORM_DECODER =
            "io.undertow.server.handlers.form.FormEncodedDataDefinition$FormEncodedDataParser";
    private static final List<String> SERVLET_OUTPUT = List.of("io.undertow.servlet.spec.ServletOutputStreamImpl",
            "io.undertow.servlet.spec.HttpServletResponseImpl", "io.undertow.servlet.spec.ServletPrintWriter");

    /**
     * Quarkus's fork of Undertow, on Vert.x: its exchange, whose blocking read raises the failure
     * of the connection (wrapped once more by the handler that recorded it, an inner class).
     */
    private static final String VERTX_EXCHANGE = "io.undertow.vertx.VertxHttpExchange";
    /** Vert.x's word that the connection closed (the client closed or half-closed it mid-body). */
    private static final String VERTX_CLOSED = "io.vertx.core.http.HttpClosedException";
    /** Netty's HTTP/1.x decoder, which fails on a chunk-size line it cannot read. */
    private static final String NETTY_HTTP_DECODER = "io.netty.handler.codec.http.HttpObjectDecoder";
    /** The fork's servlet output stream, which wraps the exchange's refusal of a write in an IOException. */
    private static final String SERVLET_OUTPUT_STREAM = "io.undertow.servlet.spec.ServletOutputStreamImpl";
    /** The fork's exchange, whose blocking write refuses (UT000127) once Vert.x has ended it with the connection. */
    private static final String SERVER_EXCHANGE = "io.undertow.server.HttpServerExchange";
    private static final int MAX_VERTX_WRAPPERS = 3;

    /** A multipart body whose part headers Undertow cannot parse (no message; Undertow's client throws it too). */
    private static final String MALFORMED_MESSAGE = "io.undertow.util.MalformedMessageException";
    /** More form fields than Undertow's {@code MAX_PARAMETERS} (1000 unless set). */
    private static final String TOO_MANY_PARAMETERS = "io.undertow.util.ParameterLimitException";

    private UndertowFaults() {
    }

    /** Whether {@code t} itself is Undertow's word that a form had more fields than it takes. */
    static boolean isTooManyParameters(Throwable t) {
        return TOO_MANY_PARAMETERS.equals(t.getClass().getName());
    }

    /** Whether {@code t} itself is Undertow's word that the body passed a limit of its own. */
    static boolean isTooLarge(Throwable t) {
        String name = t.getClass().getName();
        return REQUEST_TOO_BIG.equals(name) || FILE_TOO_LARGE.equals(name);
    }

    /**
     * Whether {@code t} itself is Undertow's failure to read a body the client broke off or framed
     * wrongly, while the application read it or had it parsed as a form or multipart.
     */
    static boolean isBrokenBody(Throwable t) {
        if (t instanceof IllegalFormatException) {
            // Undertow logs a form value with a broken escape with the value inside its format
            // string, and with an SLF4J backend the "%zz" then fails the log call, and the parse.
            StackTraceElement[] frames = StackFrames.of(t);
            return thrownByUndertow(frames) && StackFrames.passesThrough(frames, FORM_DECODER);
        }
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = StackFrames.of(t);
        if (!thrownByUndertow(frames)) {
            return false;
        }
        if (MALFORMED_MESSAGE.equals(t.getClass().getName())) {
            // In a form or multipart parse: the client's body. (Undertow's client throws it for a backend's answer.)
            return Arrays.stream(frames).anyMatch(frame -> frame.getClassName().startsWith(FORM_PARSERS));
        }
        if (!isClientsIoFailure(t, frames) && !isVertxReadFailure(t, frames)) {
            return false;
        }
        for (StackTraceElement frame : frames) {
            String type = frame.getClassName();
            if (type.equals(SERVLET_INPUT) || type.startsWith(FORM_PARSERS)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code t} itself is the failure of a write to a client that went away. */
    static boolean isClientGone(Throwable t) {
        if (!(t instanceof IOException)) {
            return false;
        }
        StackTraceElement[] frames = StackFrames.of(t);
        if (isVertxWriteRefused(t, frames)) {
            return true;
        }
        return thrownByUndertow(frames) && isClientsIoFailure(t, frames) && StackFrames.passesThrough(frames, SERVLET_OUTPUT);
    }

    /**
     * Whether {@code t} is Quarkus's failure of a blocking read on a connection the client broke:
     * raised by the Vert.x exchange's read, around (through the exchange's own wrappers) Vert.x's
     * exception for a closed connection or Netty's decoder's for a chunk size it cannot read. The same
     * Vert.x exception from an application's own Vert.x client is not raised by that read.
     */
    private static boolean isVertxReadFailure(Throwable t, StackTraceElement[] frames) {
        if (!VERTX_EXCHANGE.equals(StackFrames.raisedBy(frames))) {
            return false;
        }
        Throwable cause = ClientFaults.causeOf(t);
        for (int depth = 0; cause != null && depth < MAX_VERTX_WRAPPERS; depth++, cause = ClientFaults.causeOf(cause)) {
            String raiser = StackFrames.raisedBy(StackFrames.of(cause));
            if (cause instanceof IOException && raiser != null && raiser.startsWith(VERTX_EXCHANGE)) {
                continue;
            }
            // Vert.x's closed-connection exception is shared, without frames: known by its class alone.
            return VERTX_CLOSED.equals(cause.getClass().getName())
                    || (raiser != null && raiser.startsWith(NETTY_HTTP_DECODER));
        }
        return false;
    }

    /**
     * Whether {@code t} is Quarkus's failure of a write to a client that went away: the servlet
     * output stream's IOException around the exchange's {@code IllegalStateException} "UT000127:
     * Response has already been sent", raised by the exchange's write (Vert.x ended the exchange
     * when the connection closed).
     */
    private static boolean isVertxWriteRefused(Throwable t, StackTraceElement[] frames) {
        if (!SERVLET_OUTPUT_STREAM.equals(StackFrames.raisedBy(frames))
                || !(ClientFaults.causeOf(t) instanceof IllegalStateException refused)) {
            return false;
        }
        StackTraceElement[] refusedFrames = StackFrames.of(refused);
        if (!SERVER_EXCHANGE.equals(StackFrames.raisedBy(refusedFrames))
                || !StackFrames.passesThrough(refusedFrames, SERVLET_OUTPUT_STREAM)) {
            return false;
        }
        String message;
        try {
            message = refused.getMessage();
        } catch (RuntimeException unreadable) {
            return false;
        }
        return message != null && message.startsWith("UT000127");
    }

    /**
     * Whether {@code t} is one of the I/O failures a client causes: a channel closed under the
     * read or write, the socket's own error (reset, broken pipe: raised by the JDK's socket code),
     * or one of Undertow's messages for a broken body.
     */
    private static boolean isClientsIoFailure(Throwable t, StackTraceElement[] frames) {
        if (t instanceof ClosedChannelException) {
            return true;
        }
        if (frames.length > 0 && frames[0].getClassName().startsWith("sun.nio.ch.")) {
            return true;
        }
        String message;
        try {
            message = t.getMessage();
        } catch (RuntimeException unreadable) {
            return false;
        }
        return message != null && CLIENTS_MESSAGES.stream().anyMatch(message::startsWith);
    }

    /**
     * Whether the first frame outside the JDK and the logging bridge is Undertow's or XNIO's: the
     * exception was raised by the container (a message Undertow failed to log comes through JBoss
     * Logging's frames), and no file operation is on the way.
     */
    private static boolean thrownByUndertow(StackTraceElement[] frames) {
        String raiser = StackFrames.raisedBy(frames, "org.jboss.logging.");
        return raiser != null && (raiser.startsWith("io.undertow.") || raiser.startsWith("org.xnio."));
    }
}
